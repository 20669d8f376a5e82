/**
 * The course catalogue: the one list of lessons that the landing page, lesson navigation and
 * tests read. A lesson becomes 'ready' when its page exists; until then it is listed as coming.
 */

export type LessonStatus = 'ready' | 'coming';

export interface Lesson {
  /** Stable slug, used in URLs and as the lesson's file name under lessons/. */
  id: string;
  /** Position in the course, starting at 1. */
  number: number;
  title: string;
  /** One line saying what the learner does or finds out. */
  summary: string;
  status: LessonStatus;
}

export const lessons: readonly Lesson[] = [
  {
    id: 'what-diffusion-models-are',
    number: 1,
    title: 'What diffusion models are',
    summary: 'Destroy data with noise step by step, then learn to undo it: the whole idea on one page.',
    status: 'ready',
  },
  {
    id: 'forward-process',
    number: 2,
    title: 'The forward process',
    summary: 'Noise real MNIST digits, and jump to any timestep in a single closed-form step.',
    status: 'ready',
  },
  {
    id: 'noise-schedules',
    number: 3,
    title: 'Noise schedules and timesteps',
    summary: 'Edit linear, cosine and sigmoid schedules and watch how fast the signal disappears.',
    status: 'ready',
  },
  {
    id: 'reverse-process',
    number: 4,
    title: 'The reverse process and the denoising network',
    summary: 'Meet the small U-Net that predicts the noise, and what it needs to know about time.',
    status: 'ready',
  },
  {
    id: 'training',
    number: 5,
    title: 'Training, live',
    summary: 'Train the U-Net on MNIST in your browser and watch the loss and the samples improve.',
    status: 'ready',
  },
  {
    id: 'sampling-ddpm',
    number: 6,
    title: 'Sampling with DDPM',
    summary: 'Turn pure noise into digits one ancestral step at a time.',
    status: 'ready',
  },
  {
    id: 'ddim',
    number: 7,
    title: 'DDIM',
    summary: 'Sample in a few dozen deterministic steps, and trade speed against quality yourself.',
    status: 'ready',
  },
  {
    id: 'guidance',
    number: 8,
    title: 'Guidance',
    summary: 'Ask for a particular digit with classifier-free guidance and turn the scale up and down.',
    status: 'ready',
  },
  {
    id: 'latent-diffusion',
    number: 9,
    title: 'Latent diffusion',
    summary: 'Diffuse in a compressed latent space instead of pixels, and see what that buys.',
    status: 'ready',
  },
  {
    id: 'score-based-models',
    number: 10,
    title: 'Score-based models',
    summary: 'The same models seen as learning the gradient of the data density.',
    status: 'ready',
  },
  {
    id: 'conditioning',
    number: 11,
    title: 'Conditional diffusion beyond labels',
    summary: 'Condition on images, masks and text: inpainting and other ways to steer a sample.',
    status: 'ready',
  },
  {
    id: 'why-diffusion',
    number: 12,
    title: 'Why diffusion took over',
    summary: 'How diffusion compares with GANs, VAEs and autoregressive models, and why it won out.',
    status: 'ready',
  },
  {
    id: 'benefits-and-limitations',
    number: 13,
    title: 'Benefits and limitations, measured',
    summary: 'Time, steps and sample quality measured on the models you trained here.',
    status: 'ready',
  },
  {
    id: 'real-world-systems',
    number: 14,
    title: 'Real-world systems',
    summary: 'How large image, audio and video systems build on the pieces of this course.',
    status: 'ready',
  },
  {
    id: 'faq',
    number: 15,
    title: 'FAQ',
    summary: 'Short answers to the questions learners ask most.',
    status: 'ready',
  },
];

/** Relative URL of a lesson's page, so the site works under any base path. */
export function lessonHref(lesson: Lesson): string {
  return `lessons/${lesson.id}.html`;
}

export function findLesson(id: string): Lesson | undefined {
  return lessons.find((lesson) => lesson.id === id);
}
