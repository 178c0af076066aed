import type { Bundle } from '../domain/bundle.js';
import type { Catalog } from '../registry/catalog.js';

/**
 * What zod cannot check of the bundle's alert rules and webhooks: unique names, webhooks and views
 * that exist (in the bundle or the catalog), and thresholds that mean something for the rule's kind.
 */
export function validateAlerts(bundle: Bundle, catalog: Catalog, add: (path: string, message: string) => void): void {
  unique(bundle.alerts, 'alerts', add);
  unique(bundle.webhooks, 'webhooks', add);
  const webhooks = new Set([...catalog.webhooks.keys(), ...bundle.webhooks.map((w) => w.name)]);
  const views = new Set([...catalog.featureViews.keys(), ...bundle.featureViews.map((v) => v.name)]);
  bundle.alerts.forEach((rule, i) => {
    const at = `alerts[${i}]`;
    rule.webhooks.forEach((name, j) => {
      if (!webhooks.has(name)) add(`${at}.webhooks[${j}]`, `webhook '${name}' does not exist (define it under webhooks: in this bundle or apply it first)`);
    });
    rule.featureViews?.forEach((name, j) => {
      if (!views.has(name)) add(`${at}.featureViews[${j}]`, `feature view '${name}' does not exist`);
    });
    if (rule.threshold === undefined) return;
    if (rule.kind === 'run_failures' && !(Number.isInteger(rule.threshold) && rule.threshold >= 1 && rule.threshold <= 100)) {
      add(`${at}.threshold`, 'run_failures counts consecutive failed runs: an integer from 1 to 100');
    } else if (rule.threshold < 0) {
      add(`${at}.threshold`, 'must be at least 0');
    }
  });
}

function unique(items: { name: string }[], list: string, add: (path: string, message: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) add(`${list}[${i}].name`, `'${item.name}' is defined twice in this bundle`);
    seen.add(item.name);
  });
}
