/** PNG encoding in Node, with node:zlib as the compressor. */
import { deflateSync } from 'node:zlib';
import { encodePng, type RasterImage } from './png';

export function encodePngNode(img: RasterImage): Uint8Array {
  return encodePng(img, (data) => new Uint8Array(deflateSync(data, { level: 9 })));
}
