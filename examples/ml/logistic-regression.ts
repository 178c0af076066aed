/**
 * Binary logistic regression, fitted by full-batch gradient descent on the mean log loss with an L2
 * penalty (not applied to the bias). Features are expected to be on comparable scales (Tessera's
 * scaling transforms see to that), so a fixed step converges.
 */
export interface LogisticModel {
  kind: 'logistic_regression';
  weights: number[];
  bias: number;
}

export function fitLogistic(x: number[][], y: number[], options: { epochs?: number; learningRate?: number; l2?: number } = {}): LogisticModel {
  const epochs = options.epochs ?? 2000;
  const rate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-3;
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const grad = new Array<number>(d).fill(0);
    let gradBias = 0;
    for (let i = 0; i < n; i++) {
      const error = sigmoid(dot(weights, x[i]) + bias) - y[i];
      for (let j = 0; j < d; j++) grad[j] += error * x[i][j];
      gradBias += error;
    }
    for (let j = 0; j < d; j++) weights[j] -= rate * (grad[j] / n + l2 * weights[j]);
    bias -= (rate * gradBias) / n;
  }
  return { kind: 'logistic_regression', weights, bias };
}

export function predictLogistic(model: LogisticModel, row: number[]): number {
  return sigmoid(dot(model.weights, row) + model.bias);
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
