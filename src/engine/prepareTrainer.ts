// Loads TF.js, builds the model for the data, and picks the trainer that will run it.
import { DatasetSummary, RangeTestConfig } from '../core/types';
import { LayersTrainer } from './layersTrainer';
import { buildModel } from './models';
import { loadTf } from './tf';
import { Trainer } from './trainer';

export async function prepareTrainer(config: RangeTestConfig, summary: DatasetSummary): Promise<Trainer> {
  const { tf, backend } = await loadTf(config.backend);
  const built = await buildModel(tf, config.model, summary, config.hidden, config.seed);
  const optimizer = { name: config.optimizer, momentum: config.momentum, weightDecay: config.weightDecay };
  return new LayersTrainer(tf, built.model, built.loss, optimizer, backend);
}
