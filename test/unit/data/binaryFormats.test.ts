import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { inspectDataset, openDataset } from '../../../src/data/index';
import { companionLabels } from '../../../src/data/npy';
import { resizeImage } from '../../../src/data/resize';
import { NpyDescr, idxBytes, imageBytes, npyBytes, tempDir, write, zipBytes } from './fixtures';

const dir = tempDir('clr-binary-');

function solidGreyPng(level: number): Buffer {
  const png = new PNG({ width: 6, height: 6 });
  for (let i = 0; i < 36; i++) png.data.set([level, level, level, 255], i * 4);
  return PNG.sync.write(png);
}

/** 12 rows × 3 columns with distinct values; labels 0/1/2 by row. */
const X = Array.from({ length: 36 }, (_, i) => (i % 3) * 10 + Math.floor(i / 3));
const Y = Array.from({ length: 12 }, (_, i) => i % 3);

function unstandardizedColumns(x: Float32Array, width: number): number[][] {
  return Array.from({ length: width }, (_, c) => Array.from({ length: x.length / width }, (_, r) => x[r * width + c]));
}

describe('NPY, NPZ, IDX and image folders', () => {
  it('reads every supported NPY dtype in C and Fortran order to the same dataset', async () => {
    const descrs: NpyDescr[] = ['<f4', '<f8', '>f8', '<f2', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2', '<u4', '>u4', '<u8'];
    const reference = await (async () => {
      write(dir, 'ref_X.npy', npyBytes('<f8', [12, 3], X));
      write(dir, 'ref_y.npy', npyBytes('<i8', [12], Y));
      return openDataset(join(dir, 'ref_X.npy'));
    })();
    assert.deepEqual([reference.summary.rows, reference.summary.features, reference.summary.classes], [12, 3, ['0', '1', '2']]);
    assert.deepEqual(Array.from(reference.y), Y);
    const cols = unstandardizedColumns(reference.x, 3);
    assert.ok(cols[0][1] > cols[0][0], 'column order kept');
    for (const descr of descrs) {
      for (const fortran of [false, true]) {
        const name = `${descr.replace(/[<>|]/g, '')}${fortran ? 'F' : 'C'}`;
        write(dir, `${name}_X.npy`, npyBytes(descr, [12, 3], X, fortran));
        write(dir, `${name}_y.npy`, npyBytes(descr === '<f2' ? '|u1' : descr, [12], Y));
        const data = await openDataset(join(dir, `${name}_X.npy`));
        assert.deepEqual(data.x, reference.x, `${descr} ${fortran ? 'Fortran' : 'C'}`);
        assert.deepEqual(data.y, reference.y, `${descr} labels`);
      }
    }
    write(dir, 'bool_X.npy', npyBytes('|b1', [12, 3], X.map((v) => v % 2)));
    write(dir, 'bool_y.npy', npyBytes('|b1', [12], Y.map((v) => (v ? 1 : 0))));
    assert.deepEqual((await inspectDataset(join(dir, 'bool_X.npy'))).classes, ['0', '1']);
  });

  it('finds companion labels by the usual names, or uses a --target column', async () => {
    const sub = join(dir, 'names');
    mkdirSync(sub);
    for (const [features, labels] of [['X.npy', 'y.npy'], ['train_X.npy', 'train_y.npy'], ['X_test.npy', 'y_test.npy'], ['digits.npy', 'digits_labels.npy']]) {
      write(sub, features, npyBytes('<f4', [12, 3], X));
      write(sub, labels, npyBytes('<i4', [12], Y));
      assert.equal(companionLabels(join(sub, features)).found, join(sub, labels));
      const summary = await inspectDataset(join(sub, features));
      assert.equal(summary.target, labels);
      assert.equal(summary.labelFile, join(sub, labels), 'the summary names the label file it read (exports refuse it)');
    }
    write(dir, 'feats.npy', npyBytes('<f4', [12, 3], X));
    write(dir, 'answers.npy', npyBytes('<i2', [12, 1], Y));
    const chosen = await inspectDataset(join(dir, 'feats.npy'), { target: 'answers.npy' });
    assert.deepEqual([chosen.target, chosen.features, chosen.classes.length], ['answers.npy', 3, 3]);
    write(dir, 'table.npy', npyBytes('<f4', [12, 3], X));
    const s = await inspectDataset(join(dir, 'table.npy'), { target: '-1' });
    assert.deepEqual([s.target, s.features, s.featureNames.join()], ['f2', 2, 'f0,f1']);
    assert.equal(s.labelFile, undefined, 'a label column is no separate file');
    assert.deepEqual([s.task, s.classes.length], ['classification', 12], 'few distinct integers are classes');
  });

  it('samples rows within the memory budget, identically for C and Fortran order', async () => {
    const rows = 1000;
    const values = Array.from({ length: rows * 4 }, (_, i) => Math.floor(i / 4) * 10 + (i % 4));
    write(dir, 'many_X.npy', npyBytes('<f4', [rows, 4], values));
    write(dir, 'manyF_X.npy', npyBytes('<f4', [rows, 4], values, true));
    const labels = npyBytes('<i4', [rows], Array.from({ length: rows }, (_, i) => i % 2));
    write(dir, 'many_y.npy', labels);
    write(dir, 'manyF_y.npy', labels);
    const budget = 100 * (4 * 8 + 16);
    const c = await openDataset(join(dir, 'many_X.npy'), { memoryBudgetBytes: budget });
    const f = await openDataset(join(dir, 'manyF_X.npy'), { memoryBudgetBytes: budget });
    assert.equal(c.summary.rows, 100);
    assert.deepEqual(f.x, c.x);
    assert.deepEqual(f.y, c.y);
    assert.ok(c.summary.warnings.some((w) => /1000 rows .* sample of 100/.test(w)));
    // Rows stay whole: column k holds 10·row + k, so after per-column standardization a row's four values agree.
    for (let r = 0; r < 100; r++) for (let k = 1; k < 4; k++) assert.ok(Math.abs(f.x[r * 4 + k] - f.x[r * 4]) < 1e-5, `row ${r}`);
    const raw = await openDataset(join(dir, 'many_X.npy'), { memoryBudgetBytes: budget, seed: 0 });
    assert.deepEqual(raw.x, c.x, 'same seed, same sample');
    const other = await openDataset(join(dir, 'many_X.npy'), { memoryBudgetBytes: budget, seed: 1 });
    assert.notDeepEqual(other.x, c.x);
    const inspected = await inspectDataset(join(dir, 'many_X.npy'), { memoryBudgetBytes: budget });
    assert.equal(inspected.rows, rows, 'inspect counts every row');
  });

  it('uses the train split of an image folder that has one', async () => {
    const root = join(dir, 'split');
    for (const part of ['train', 'test']) {
      for (const name of ['x', 'y', 'z']) {
        mkdirSync(join(root, part, name), { recursive: true });
        write(join(root, part, name), '1.png', solidGreyPng(name.charCodeAt(0)));
      }
    }
    const s = await inspectDataset(root, { imageSize: 4 });
    assert.deepEqual([s.rows, s.classes.join(), s.inputShape.join()], [3, 'x,y,z', '4,4,1']);
    assert.ok(s.warnings.some((w) => /'train' split/.test(w)));
  });

  it('treats 3-D arrays as images and standardizes them globally', async () => {
    const pixels = Array.from({ length: 12 * 4 * 4 }, (_, i) => i % 251);
    write(dir, 'img_X.npy', npyBytes('|u1', [12, 4, 4], pixels));
    write(dir, 'img_y.npy', npyBytes('|u1', [12], Y));
    const data = await openDataset(join(dir, 'img_X.npy'));
    assert.deepEqual(data.summary.inputShape, [4, 4, 1]);
    assert.equal(data.summary.features, 16);
    const mean = data.x.reduce((a, b) => a + b, 0) / data.x.length;
    assert.ok(Math.abs(mean) < 1e-4);
    assert.ok(data.x[1] > data.x[0], 'pixel order kept');
  });

  it('states the scaling of arrays and images, and keeps the values as stored with raw', async () => {
    write(dir, 'scale_X.npy', npyBytes('<f8', [12, 3], X));
    write(dir, 'scale_y.npy', npyBytes('<i8', [12], Y));
    const table = await openDataset(join(dir, 'scale_X.npy'));
    const p = table.preprocessing!;
    assert.equal(p.features, 'per-column');
    for (let r = 0; r < 12; r++) for (let c = 0; c < 3; c++) assert.ok(Math.abs(table.x[r * 3 + c] - (X[r * 3 + c] - p.mean![c]) / p.std![c]) < 1e-5);
    const rawTable = await openDataset(join(dir, 'scale_X.npy'), { raw: true });
    assert.deepEqual(rawTable.preprocessing, { features: 'none' });
    assert.deepEqual(Array.from(rawTable.x), X);

    const pixels = Array.from({ length: 12 * 4 * 4 }, (_, i) => i % 251);
    write(dir, 'rawimg_X.npy', npyBytes('|u1', [12, 4, 4], pixels));
    write(dir, 'rawimg_y.npy', npyBytes('|u1', [12], Y));
    const image = await openDataset(join(dir, 'rawimg_X.npy'));
    const q = image.preprocessing!;
    assert.equal(q.features, 'all-pixels');
    assert.ok(Math.abs(image.x[5] - (pixels[5] - q.mean![0]) / q.std![0]) < 1e-5);
    assert.deepEqual(Array.from((await openDataset(join(dir, 'rawimg_X.npy'), { raw: true })).x), pixels);
  });

  it('reads NPZ archives, stored and deflated, with named or positional arrays', async () => {
    const members = [
      { name: 'x_train.npy', data: npyBytes('<f8', [12, 3], X) },
      { name: 'y_train.npy', data: npyBytes('<i8', [12], Y) },
      { name: 'x_test.npy', data: npyBytes('<f8', [1, 3], [0, 0, 0]) },
    ];
    const reference = await openDataset(join(dir, 'ref_X.npy'));
    for (const compress of [false, true]) {
      const file = write(dir, `data${compress ? 'Z' : ''}.npz`, zipBytes(members, compress));
      const data = await openDataset(file);
      assert.equal(data.summary.format, 'npz');
      assert.deepEqual(data.x, reference.x);
      assert.deepEqual(data.y, reference.y);
    }
    const positional = write(dir, 'pos.npz', zipBytes([{ name: 'arr_0.npy', data: members[0].data }, { name: 'arr_1.npy', data: members[1].data }], true));
    const s = await inspectDataset(positional);
    assert.equal(s.rows, 12);
    assert.ok(s.warnings.some((w) => /arr_0/.test(w)));
  });

  it('reads MNIST IDX images with labels beside them, plain and gzipped', async () => {
    const images = Array.from({ length: 12 * 28 * 28 }, (_, i) => (i * 7) % 256);
    const labels = Y.map((v) => v + 3);
    write(dir, 'train-images-idx3-ubyte', idxBytes([12, 28, 28], images));
    write(dir, 'train-labels-idx1-ubyte', idxBytes([12], labels));
    write(dir, 't10k-images-idx3-ubyte.gz', idxBytes([12, 28, 28], images, true));
    write(dir, 't10k-labels-idx1-ubyte.gz', idxBytes([12], labels, true));
    const plain = await openDataset(join(dir, 'train-images-idx3-ubyte'));
    const gz = await openDataset(join(dir, 't10k-images-idx3-ubyte.gz'));
    assert.deepEqual(plain.summary.inputShape, [28, 28, 1]);
    assert.deepEqual(plain.summary.classes, ['3', '4', '5']);
    assert.equal(plain.summary.format, 'idx');
    assert.deepEqual(plain.x, gz.x);
    assert.deepEqual(Array.from(plain.y), Y);
  });

  it('reads image folders (PNG and JPEG, any size), resized; grey when every image is grey', async () => {
    const root = join(dir, 'pets');
    for (const [name, rgb] of [['cat', [220, 40, 40]], ['dog', [40, 40, 220]]] as const) {
      mkdirSync(join(root, name), { recursive: true });
      for (let k = 0; k < 3; k++) {
        write(join(root, name), `${k}.png`, imageBytes('png', 30 + k * 10, 20, [...rgb]));
        write(join(root, name), `${k}.jpeg`, imageBytes('jpeg', 16, 16 + k, [...rgb]));
      }
    }
    write(root, '.DS_Store', 'x');
    const data = await openDataset(root, { imageSize: 8 });
    const s = data.summary;
    assert.deepEqual([s.format, s.rows, s.task, s.classes.join(), s.inputShape.join()], ['images', 12, 'classification', 'cat,dog', '8,8,3']);
    assert.equal(data.x.length, 12 * 8 * 8 * 3);
    // Cats are red: their red channel is above their blue one.
    const catRow = Array.from(data.y).indexOf(0);
    assert.ok(data.x[catRow * 192] > data.x[catRow * 192 + 2]);
    const grey = join(dir, 'grey');
    for (const name of ['a', 'b']) {
      mkdirSync(join(grey, name), { recursive: true });
      for (const k of [1, 2]) write(join(grey, name), `${k}.png`, imageBytes('png', 10, 10, name === 'a' ? [50, 50, 0] : [200, 200, 190]).fill(0, 0, 0));
    }
    const greyData = await openDataset(grey, { imageSize: 5 });
    assert.deepEqual(greyData.summary.inputShape, [5, 5, 3], 'a gradient in blue is colour');
    const flat = join(dir, 'flat');
    for (const name of ['a', 'b']) {
      mkdirSync(join(flat, name), { recursive: true });
      write(join(flat, name), '1.png', solidGreyPng(name === 'a' ? 40 : 210));
    }
    assert.deepEqual((await openDataset(flat, { imageSize: 5 })).summary.inputShape, [5, 5, 1]);
  });

  it('resizes by area averaging when shrinking and bilinearly when growing', () => {
    const src = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]); // 8×1, one channel
    assert.deepEqual(Array.from(resizeImage(src, 8, 1, 1, 2, 1)), [1.5, 5.5]);
    assert.deepEqual(Array.from(resizeImage(Float32Array.from([0, 4]), 2, 1, 1, 4, 1)), [0, 1, 3, 4]);
    const area = resizeImage(Float32Array.from([0, 1, 2]), 3, 1, 1, 2, 1);
    assert.ok(Math.abs(area[0] - 1 / 3) < 1e-6 && Math.abs(area[1] - 5 / 3) < 1e-6, `fractional coverage: ${Array.from(area)}`);
  });
});
