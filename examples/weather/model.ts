import { type TreeModel, predictTree } from '../ml/decision-tree.js';
import { type LogisticModel, predictLogistic } from '../ml/logistic-regression.js';

/** The artifact the training pipeline writes and the inference pipeline loads. */
export interface ModelArtifact {
  id: string;
  featureService: string;
  /** Feature columns, in the order the model reads them (the feature service's answer order). */
  columns: string[];
  model: LogisticModel | TreeModel;
  /** Feature view versions the training rows came from. */
  featureVersions: Record<string, number>;
  trainingDataset: string;
  trainedAt: string;
  metrics: Record<string, { accuracy: number; logLoss: number; auc: number }>;
}

export function predict(artifact: ModelArtifact, row: number[]): number {
  return artifact.model.kind === 'logistic_regression' ? predictLogistic(artifact.model, row) : predictTree(artifact.model, row);
}

/** Refuses a model that does not read exactly the columns the feature service serves, in that order. */
export function checkColumns(artifact: ModelArtifact, served: string[]): void {
  const same = artifact.columns.length === served.length && artifact.columns.every((c, i) => c === served[i]);
  if (!same) {
    throw new Error(
      `model ${artifact.id} reads [${artifact.columns.join(', ')}] but feature service '${artifact.featureService}' serves [${served.join(', ')}]: retrain it, or serve the features it was trained on`,
    );
  }
}
