import { promises as fs } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { PNG as PngCodec } from 'pngjs';
import type * as JpegCodec from 'jpeg-js';
import { UserError } from '../core/errors';
import { DatasetSummary, Preprocessing } from '../core/types';
import { DEFAULT_IMAGE_SIZE, DEFAULT_MEMORY_BUDGET_BYTES, InMemoryDataset, OpenOptions } from './dataset';
import { fileError, readWholeFile } from './files';
import { declaredImageSize } from './imageHeader';
import { MAX_IMAGE_FILE_BYTES, MAX_IMAGE_PIXELS } from '../core/limits';
import { groupThousands } from '../core/displayFormat';
import { RANDOM_STREAM, SeededRandom, sampleIndices } from './random';
import { resizeImage } from './resize';
import { checkClasses, meanAndStd } from './targets';
import { sharedFloat32Array } from './sharedFloat32';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const OTHER_IMAGE_EXTENSIONS = new Set(['.gif', '.bmp', '.webp', '.tif', '.tiff', '.heic', '.svg']);
const SPLIT_NAMES = ['train', 'training'];

async function listDir(dir: string): Promise<Array<{ name: string; isDir: boolean }>> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => !e.name.startsWith('.') && !e.name.startsWith('__'))
      .map((e) => ({ name: e.name, isDir: e.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw fileError(error, dir);
  }
}

/** All image files under a class folder (recursively), sorted; counts skipped non-image files. */
async function imagesUnder(dir: string, skipped: { other: number; unsupported: number }): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await listDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDir) found.push(...(await imagesUnder(path, skipped)));
    else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) found.push(path);
    else if (OTHER_IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) skipped.unsupported++;
    else skipped.other++;
  }
  return found;
}

interface Decoded {
  width: number;
  height: number;
  /** RGBA bytes. */
  data: Uint8Array;
}

interface Codecs {
  PNG: typeof PngCodec;
  jpeg: typeof JpegCodec;
}

// Loaded on first use: the extension host imports this module for `inspect`, and most datasets are not images.
async function loadCodecs(): Promise<Codecs> {
  const [{ PNG }, jpeg] = await Promise.all([import('pngjs'), import('jpeg-js')]);
  return { PNG, jpeg };
}

function decodeImage(bytes: Buffer, file: string, { PNG, jpeg }: Codecs): Decoded {
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return PNG.sync.read(bytes);
    if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
  } catch (error) {
    throw new UserError(`the image does not decode (${(error as Error).message})`, { file, hint: 'open and re-save it, or remove it from the folder' });
  }
  throw new UserError(`not a PNG or JPEG image despite its name${bytes.length === 0 ? ' (the file is empty)' : ''}`, { file, hint: 're-save it as PNG or JPEG, or remove it from the folder' });
}

/** Refuses, from its header, an image too large to decode within memory (before the decoder allocates it). */
function checkImageSize(bytes: Buffer, file: string): void {
  const size = declaredImageSize(bytes);
  if (size === null) return; // not PNG or JPEG, or no header: the decoder says what is wrong
  if (size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new UserError(`the image declares ${size.width}×${size.height} pixels, more than the ${groupThousands(MAX_IMAGE_PIXELS)} we decode`, {
      file,
      hint: 'scale it down (it is resized to a few dozen pixels anyway), or remove it from the folder',
    });
  }
}

/** RGB floats in [0, 1] (alpha multiplied in, i.e. composited over black), plus whether it is grey. */
function toRgb(image: Decoded): { rgb: Float32Array; grey: boolean } {
  const n = image.width * image.height;
  const rgb = new Float32Array(n * 3);
  let grey = true;
  for (let i = 0; i < n; i++) {
    const a = image.data[i * 4 + 3] / 255;
    const r = image.data[i * 4];
    const g = image.data[i * 4 + 1];
    const b = image.data[i * 4 + 2];
    if (r !== g || g !== b) grey = false;
    rgb[i * 3] = (r / 255) * a;
    rgb[i * 3 + 1] = (g / 255) * a;
    rgb[i * 3 + 2] = (b / 255) * a;
  }
  return { rgb, grey };
}

/**
 * A folder with one sub-folder of PNG/JPEG images per class (a `train/` split inside is used when present).
 * Images are resized to imageSize × imageSize; grey when every image is grey, RGB otherwise.
 */
export async function readImageFolder(root: string, options: OpenOptions): Promise<{ dataset: InMemoryDataset; summary: DatasetSummary }> {
  const warnings: string[] = [];
  let base = root;
  let entries = await listDir(base);
  const split = entries.find((e) => e.isDir && SPLIT_NAMES.includes(e.name.toLowerCase()));
  if (split) {
    const inner = await listDir(join(base, split.name));
    if (inner.some((e) => e.isDir)) {
      base = join(base, split.name);
      entries = inner;
      warnings.push(`using the '${split.name}' split of the folder`);
    }
  }
  const classDirs = entries.filter((e) => e.isDir).map((e) => e.name);
  if (classDirs.length === 0) {
    const looseImages = entries.some((e) => IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()));
    throw new UserError(looseImages ? 'the images are not sorted into class folders' : 'the folder holds no class sub-folders of images', {
      file: root,
      hint: 'put the images of each class in a sub-folder named after the class, e.g. cats/1.png, dogs/2.png',
    });
  }
  const skipped = { other: 0, unsupported: 0 };
  const files: string[] = [];
  const labels: number[] = [];
  const classes: string[] = [];
  for (const name of classDirs) {
    const found = await imagesUnder(join(base, name), skipped);
    if (found.length === 0) {
      warnings.push(`the class folder '${name}' has no PNG or JPEG images and was ignored`);
      continue;
    }
    classes.push(name);
    for (const f of found) {
      files.push(f);
      labels.push(classes.length - 1);
    }
  }
  if (classes.length === 0) {
    throw new UserError('no PNG or JPEG images in the class folders', { file: root, hint: 'put .png or .jpg images in one sub-folder per class' });
  }
  checkClasses(classes, { file: root, name: 'folder' });
  if (skipped.unsupported > 0) warnings.push(`${skipped.unsupported} images in other formats (GIF, BMP, WebP, TIFF, …) were ignored; convert them to PNG or JPEG`);
  if (skipped.other > 0) warnings.push(`${skipped.other} files that are not images were ignored`);

  const size = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  const pixels = size * size;
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const capacity = Math.max(1, Math.min(options.maxRows ?? Infinity, Math.floor(budget / (pixels * 3 * 4 * 2))));
  const sample = sampleIndices(files.length, capacity, new SeededRandom(options.seed ?? 0, RANDOM_STREAM.sample));
  const codecs = await loadCodecs();
  const rgb = sharedFloat32Array(sample.length * pixels * 3);
  const y = sharedFloat32Array(sample.length);
  let allGrey = true;
  for (let i = 0; i < sample.length; i++) {
    const file = files[sample[i]];
    const bytes = await readWholeFile(file, MAX_IMAGE_FILE_BYTES, 'image file');
    checkImageSize(bytes, file);
    const decoded = decodeImage(bytes, file, codecs);
    if (decoded.width === 0 || decoded.height === 0) throw new UserError('the image has no pixels', { file, hint: 'remove it from the folder' });
    const { rgb: pixelsRgb, grey } = toRgb(decoded);
    if (!grey) allGrey = false;
    rgb.set(resizeImage(pixelsRgb, decoded.width, decoded.height, 3, size, size), i * pixels * 3);
    y[i] = labels[sample[i]];
  }
  const channels = allGrey ? 1 : 3;
  let x = rgb;
  if (allGrey) {
    x = sharedFloat32Array(sample.length * pixels);
    for (let i = 0; i < x.length; i++) x[i] = rgb[i * 3];
  }
  // Pixels are 0..1 (alpha premultiplied); standardised over all pixels unless raw.
  const { mean, std } = meanAndStd(x);
  if (options.raw !== true) for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) / std;
  const preprocessing: Preprocessing = options.raw === true ? { features: 'none' } : { features: 'all-pixels', mean: [mean], std: [std] };
  if (sample.length < files.length) warnings.push(`${files.length} images are more than fit in the memory budget: using a uniform random sample of ${sample.length}`);
  const counts = classes.map((_, c) => labels.filter((l) => l === c).length);
  const smallest = Math.min(...counts);
  if (smallest * 10 < Math.max(...counts)) {
    warnings.push(`the classes are unbalanced: '${classes[counts.indexOf(smallest)]}' has ${smallest} images, '${classes[counts.indexOf(Math.max(...counts))]}' ${Math.max(...counts)}`);
  }
  const summary: DatasetSummary = {
    path: root,
    format: 'images',
    rows: files.length,
    features: pixels * channels,
    featureNames: [`pixels ${size}×${size}×${channels}`],
    inputShape: [size, size, channels],
    target: relative(root, base) ? `${relative(root, base)}/<class folder>` : '<class folder>',
    task: 'classification',
    classes,
    warnings,
  };
  // The dataset's rows are its sample; the folder's summary counts every image.
  return { dataset: new InMemoryDataset(summary, x, y, undefined, preprocessing), summary };
}
