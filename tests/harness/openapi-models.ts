import models from '../fixtures/pm-openapi-models.json';

interface PropertySpec {
  type?: string;
  ref?: string;
  format?: string;
  nullable?: boolean;
  items?: PropertySpec;
}

interface ModelSpec {
  required: string[];
  properties: Record<string, PropertySpec>;
}

const MODELS = models.models as Record<string, ModelSpec>;
const ENUMS = models.enums as Record<string, string[]>;

/**
 * Checks a JSON value against a model of PM's OpenAPI description, recursively, and returns one line per
 * mismatch: a property the model does not have, a value of the wrong JSON type or format, null where the
 * property is not nullable, or a missing required property. An empty list means the value matches.
 */
export function openApiMismatches(value: unknown, model: string, path = model): string[] {
  const spec = MODELS[model];
  if (!spec) return [`${path}: model ${model} is not in the fixture`];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];

  const problems: string[] = [];
  for (const name of spec.required) {
    if (!(name in value)) problems.push(`${path}.${name}: required but missing`);
  }
  for (const [name, field] of Object.entries(value)) {
    const property = spec.properties[name];
    if (!property) {
      problems.push(`${path}.${name}: not a property of ${model}`);
      continue;
    }
    problems.push(...propertyMismatches(field, property, `${path}.${name}`));
  }
  return problems;
}

function propertyMismatches(value: unknown, property: PropertySpec, path: string): string[] {
  if (value === null) return property.nullable ? [] : [`${path}: null but not nullable`];
  if (property.ref) {
    if (ENUMS[property.ref]) {
      return ENUMS[property.ref].includes(value as string) ? [] : [`${path}: ${String(value)} not in ${property.ref}`];
    }
    return openApiMismatches(value, property.ref, path);
  }

  switch (property.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected string, got ${typeof value}`];
      if (property.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return [`${path}: not a date`];
      if (property.format === 'date-time' && Number.isNaN(Date.parse(value))) return [`${path}: not a date-time`];
      return [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: expected integer, got ${JSON.stringify(value)}`];
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [`${path}: expected number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected boolean`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected array`];
      return value.flatMap((item, index) => propertyMismatches(item, property.items ?? {}, `${path}[${index}]`));
    default:
      return [`${path}: unknown type ${String(property.type)}`];
  }
}
