/**
 * Resamples an interleaved image (height × width × channels, float) to a new size: area averaging where an
 * axis shrinks (every source pixel counts, no aliasing), bilinear where it grows. Separable: rows, then columns.
 */
export function resizeImage(src: Float32Array, width: number, height: number, channels: number, outWidth: number, outHeight: number): Float32Array {
  const horizontal = resampleAxis(src, width, height, channels, outWidth, true);
  return resampleAxis(horizontal, outWidth, height, channels, outHeight, false);
}

/** Weights of each output position along one axis: a list of (source index, weight) per output index. */
function axisWeights(inSize: number, outSize: number): Array<Array<[number, number]>> {
  const scale = inSize / outSize;
  const weights: Array<Array<[number, number]>> = [];
  for (let o = 0; o < outSize; o++) {
    const taps: Array<[number, number]> = [];
    if (scale > 1) {
      const start = o * scale;
      const end = start + scale;
      for (let i = Math.floor(start); i < Math.min(inSize, Math.ceil(end)); i++) {
        const cover = Math.min(end, i + 1) - Math.max(start, i);
        if (cover > 0) taps.push([i, cover / scale]);
      }
    } else {
      const center = Math.min(inSize - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const left = Math.floor(center);
      const right = Math.min(inSize - 1, left + 1);
      const t = center - left;
      taps.push([left, 1 - t]);
      if (t > 0) taps.push([right, t]);
    }
    weights.push(taps);
  }
  return weights;
}

function resampleAxis(src: Float32Array, width: number, height: number, channels: number, outSize: number, alongWidth: boolean): Float32Array {
  const inSize = alongWidth ? width : height;
  if (inSize === outSize) return src;
  const weights = axisWeights(inSize, outSize);
  const outWidth = alongWidth ? outSize : width;
  const outHeight = alongWidth ? height : outSize;
  const out = new Float32Array(outWidth * outHeight * channels);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const taps = weights[alongWidth ? x : y];
      const target = (y * outWidth + x) * channels;
      for (const [i, w] of taps) {
        const source = alongWidth ? (y * width + i) * channels : (i * width + x) * channels;
        for (let c = 0; c < channels; c++) out[target + c] += w * src[source + c];
      }
    }
  }
  return out;
}
