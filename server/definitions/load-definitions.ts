import fs from 'node:fs';
import path from 'node:path';
import type { Bundle } from '../domain/bundle.js';
import { TesseraError, type FieldError, errorMessage, validationError } from '../errors.js';
import { parseBundle } from './parse-bundle.js';
import { parseYamlBounded } from '../yaml-bounded.js';

const LISTS = ['entities', 'sources', 'featureViews', 'featureServices', 'alerts', 'webhooks', 'monitors'] as const;

/** A bundle merged from several files, remembering where each item came from. */
export interface LoadedDefinitions {
  bundle: Bundle;
  files: string[];
  /** `featureViews[5]` -> `drivers.yaml: featureViews[1]`, for error messages. */
  origin(path: string): string;
}

/**
 * Reads every `.yaml`, `.yml` and `.json` file at the top of a folder (sub-folders such as `data/`
 * hold source data and are not read), validates each file on its own so errors name the file, and
 * merges them into one bundle.
 */
export function loadDefinitions(dir: string): LoadedDefinitions {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw validationError(`definitions folder '${dir}' does not exist`, [{ path: 'definitions', message: `'${dir}' is not a folder` }]);
  }
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort();
  const merged: Bundle = { entities: [], sources: [], featureViews: [], featureServices: [], alerts: [], webhooks: [], monitors: [] };
  const origins: Record<string, string[]> = Object.fromEntries([...LISTS, 'permissions'].map((l) => [l, []]));
  const errors: FieldError[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, file), 'utf8');
    } catch (e) {
      // A folder named x.yaml, a dangling link: the error names the file, as a bad one's do.
      errors.push({ path: file, message: `cannot be read: ${errorMessage(e)}` });
      continue;
    }
    let parsed: Bundle;
    try {
      parsed = parseBundle(parseDefinitionText(text, file) ?? {});
    } catch (e) {
      if (e instanceof TesseraError) {
        errors.push(...(e.errors.length ? e.errors.map((x) => ({ ...x, path: x.path.startsWith(file) ? x.path : `${file}: ${x.path}` })) : [{ path: file, message: e.message }]));
        continue;
      }
      throw e;
    }
    for (const list of LISTS) {
      parsed[list].forEach((item, i) => {
        (merged[list] as unknown[]).push(item);
        origins[list].push(`${file}: ${list}[${i}]`);
      });
    }
    // `permissions:` replaces every permission when given, and leaves them alone when no file gives it.
    parsed.permissions?.forEach((item, i) => {
      (merged.permissions ??= []).push(item);
      origins.permissions.push(`${file}: permissions[${i}]`);
    });
  }
  if (errors.length) throw validationError(`definitions in '${dir}' are invalid`, errors);
  return {
    bundle: merged,
    files,
    origin(p: string): string {
      const m = /^(entities|sources|featureViews|featureServices|alerts|webhooks|monitors|permissions)\[(\d+)\](.*)$/.exec(p);
      const where = m && origins[m[1]][Number(m[2])];
      return where ? `${where}${m[3]}` : p;
    },
  };
}

/** Parses YAML (a superset of JSON) or JSON text; a syntax error is a 400 naming the line. */
export function parseDefinitionText(text: string, label: string): unknown {
  try {
    return label.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYamlBounded(text);
  } catch (e) {
    throw validationError(`${label} is not valid ${label.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}`, [{ path: label, message: errorMessage(e) }]);
  }
}
