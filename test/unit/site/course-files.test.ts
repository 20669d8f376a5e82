import { describe, expect, it } from 'vitest';
import { courseManifest } from '../../../src/site/build/service-worker';
import {
  COURSE_CACHE,
  CourseIndex,
  formatBytes,
  HASHED_NAME,
  isCourseFile,
  obsoleteCaches,
  totalBytes,
  type CourseFile,
} from '../../../src/site/offline/course-files';

const files: CourseFile[] = [
  { url: 'index.html', revision: 'r-index', bytes: 10 },
  { url: 'lessons/ddim.html', revision: 'r-ddim', bytes: 20 },
  { url: 'static/lesson-page-Ab12Cd34.js', revision: null, bytes: 300 },
  { url: 'assets/mnist/test-images-idx3-ubyte.gz', revision: 'r-mnist', bytes: 4000 },
];
const scope = 'https://example.org/course/';
const course = new CourseIndex(files, scope);

describe('which built files belong to the course', () => {
  it('keeps pages, scripts, assets and woff2 fonts; leaves out maps, the worker, the widget kit and old font formats', () => {
    for (const path of ['index.html', 'lessons/ddim.html', 'static/a-Ab12Cd34.js', 'static/KaTeX_Main-Regular-Ab12Cd34.woff2', 'assets/classifier/model.json', 'favicon.svg']) {
      expect(isCourseFile(path), path).toBe(true);
    }
    for (const path of ['static/a-Ab12Cd34.js.map', 'sw.js', 'widgets/diffusion-lab.js', 'widgets/assets/mnist/index.json', 'static/KaTeX_Main-Regular-Ab12Cd34.ttf', 'static/x-Ab12Cd34.woff']) {
      expect(isCourseFile(path), path).toBe(false);
    }
  });

  it('treats only Vite’s hashed output as named by its contents', () => {
    expect(HASHED_NAME.test('static/lesson-page-Ab12Cd34.js')).toBe(true);
    expect(HASHED_NAME.test('static/KaTeX_AMS-Regular-B_0a1xZ9.woff2')).toBe(true);
    expect(HASHED_NAME.test('assets/mnist/index.json')).toBe(false);
    expect(HASHED_NAME.test('lessons/ddim.html')).toBe(false);
  });

  it('turns Workbox’s file list into the course’s, with each file’s size', async () => {
    const result = await courseManifest([
      { url: 'index.html', revision: 'a', size: 5 },
      { url: 'static/x-Ab12Cd34.js.map', revision: 'b', size: 7 },
      { url: 'widgets/diffusion-lab.js', revision: 'c', size: 9 },
      { url: 'static/x-Ab12Cd34.js', revision: null, size: 11 },
    ]);
    expect(result.manifest).toEqual([
      { url: 'index.html', revision: 'a', bytes: 5, size: 5 },
      { url: 'static/x-Ab12Cd34.js', revision: null, bytes: 11, size: 11 },
    ]);
  });
});

describe('course files by address', () => {
  it('finds a page with its settings, a folder’s index and an address without .html', () => {
    expect(course.fileFor('https://example.org/course/lessons/ddim.html?seed=3#x')?.url).toBe('lessons/ddim.html');
    expect(course.fileFor('https://example.org/course/lessons/ddim')?.url).toBe('lessons/ddim.html');
    expect(course.fileFor('https://example.org/course/')?.url).toBe('index.html');
    expect(course.fileFor('https://example.org/course')?.url).toBe('index.html');
    expect(course.fileFor('https://example.org/course/index.html')?.url).toBe('index.html');
  });

  it('finds nothing outside the course or not in its list', () => {
    expect(course.fileFor('https://example.org/other/lessons/ddim.html')).toBeUndefined();
    expect(course.fileFor('https://elsewhere.org/course/lessons/ddim.html')).toBeUndefined();
    expect(course.fileFor('https://example.org/course/lessons/missing.html')).toBeUndefined();
    expect(course.fileFor('https://example.org/course/assets/mnist/other.gz')).toBeUndefined();
  });

  it('keys a file by its revision unless its name is hashed', () => {
    expect(course.cacheKey(files[1])).toBe('https://example.org/course/lessons/ddim.html?__revision=r-ddim');
    expect(course.cacheKey(files[2])).toBe('https://example.org/course/static/lesson-page-Ab12Cd34.js');
    expect(course.address(files[1])).toBe('https://example.org/course/lessons/ddim.html');
  });

  it('tells current keys from those of an older revision', () => {
    expect(course.isCurrentKey('https://example.org/course/lessons/ddim.html?__revision=r-ddim')).toBe(true);
    expect(course.isCurrentKey('https://example.org/course/lessons/ddim.html?__revision=older')).toBe(false);
    expect(course.isCurrentKey('https://example.org/course/lessons/ddim.html')).toBe(false);
    expect(course.isCurrentKey('https://example.org/course/lessons/gone.html?__revision=r')).toBe(false);
    expect(course.isCurrentKey('https://example.org/course/static/lesson-page-Ab12Cd34.js')).toBe(true);
  });

  it('lists the files not kept yet', () => {
    const kept = new Set([course.cacheKey(files[0]), course.cacheKey(files[2]), 'https://example.org/course/lessons/ddim.html?__revision=older']);
    expect(course.missing(kept).map((file) => file.url)).toEqual(['lessons/ddim.html', 'assets/mnist/test-images-idx3-ubyte.gz']);
    expect(totalBytes(course.missing(kept))).toBe(4020);
  });
});

describe('cache names and sizes', () => {
  it('drops the caches of older versions of the worker, and only this site’s', () => {
    expect(obsoleteCaches([COURSE_CACHE, 'diffusion-lab-3f2a9c0d1e2b4a5c', 'someone-else'])).toEqual(['diffusion-lab-3f2a9c0d1e2b4a5c']);
  });

  it('writes sizes in decimal units', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(640_400)).toBe('640 kB');
    expect(formatBytes(10_066_329)).toBe('10.1 MB');
  });
});
