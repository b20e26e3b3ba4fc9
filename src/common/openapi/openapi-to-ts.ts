/**
 * Turns the station's OpenAPI 3 document into TypeScript types in the shape openapi-fetch
 * expects (`paths`, `operations`, `components`). Covers what @nestjs/swagger emits for this
 * API: $ref, objects, arrays, enums, nullable, oneOf/allOf, additionalProperties.
 */

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  description?: string;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: Schema };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
};
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));
const indent = (text: string, by: string) => text.split('\n').join(`\n${by}`);

export function schemaType(s: Schema | undefined): string {
  if (!s) return 'unknown';
  let t: string;
  if (s.$ref) t = `components["schemas"][${JSON.stringify(s.$ref.replace('#/components/schemas/', ''))}]`;
  else if (s.enum) t = s.enum.map((v) => JSON.stringify(v)).join(' | ');
  else if (s.oneOf || s.anyOf) t = (s.oneOf ?? s.anyOf)!.map((x) => schemaType(x)).join(' | ');
  else if (s.allOf) t = s.allOf.map((x) => schemaType(x)).join(' & ');
  else if (s.type === 'array') t = `(${schemaType(s.items)})[]`;
  else if (s.type === 'string') t = 'string';
  else if (s.type === 'number' || s.type === 'integer') t = 'number';
  else if (s.type === 'boolean') t = 'boolean';
  else if (s.type === 'object' || s.properties) t = objectType(s);
  else t = 'unknown';
  return s.nullable ? `${t} | null` : t;
}

function objectType(s: Schema): string {
  const required = new Set(s.required ?? []);
  const lines = Object.entries(s.properties ?? {}).map(([name, p]) => {
    const doc = p.description ? `/** ${p.description.replace(/\*\//g, '* /')} */\n` : '';
    return `${doc}${key(name)}${required.has(name) ? '' : '?'}: ${schemaType(p)};`;
  });
  if (s.additionalProperties) lines.push(`[key: string]: ${s.additionalProperties === true ? 'unknown' : schemaType(s.additionalProperties)};`);
  return lines.length ? `{\n  ${lines.map((l) => indent(l, '  ')).join('\n  ')}\n}` : 'Record<string, never>';
}

function parametersType(params: Parameter[] = []): string {
  const parts = (['query', 'header', 'path', 'cookie'] as const).map((where) => {
    const ps = params.filter((p) => p.in === where);
    if (!ps.length) return `${where}?: never;`;
    const anyRequired = ps.some((p) => p.required || where === 'path');
    const body = ps.map((p) => `${key(p.name)}${p.required || where === 'path' ? '' : '?'}: ${schemaType(p.schema)};`).join(' ');
    return `${where}${anyRequired ? '' : '?'}: { ${body} };`;
  });
  return `{\n  ${parts.join('\n  ')}\n}`;
}

function operationType(op: Operation): string {
  const body = op.requestBody
    ? `requestBody${op.requestBody.required === false ? '?' : ''}: {\n  content: {\n    ${Object.entries(op.requestBody.content)
        .map(([media, c]) => `${JSON.stringify(media)}: ${indent(schemaType(c.schema), '    ')};`)
        .join('\n    ')}\n  };\n};`
    : 'requestBody?: never;';
  const responses = Object.entries(op.responses).map(([status, r]) => {
    const content = r.content
      ? `{\n    ${Object.entries(r.content)
          .map(([media, c]) => `${JSON.stringify(media)}: ${indent(schemaType(c.schema), '    ')};`)
          .join('\n    ')}\n  }`
      : 'never';
    return `${/^\d+$/.test(status) ? status : JSON.stringify(status)}: {\n  headers: { [name: string]: unknown };\n  content${r.content ? '' : '?'}: ${content};\n};`;
  });
  return `{\n  parameters: ${indent(parametersType(op.parameters), '  ')};\n  ${indent(body, '  ')}\n  responses: {\n    ${responses.map((r) => indent(r, '    ')).join('\n    ')}\n  };\n}`;
}

export function openApiToTypeScript(doc: OpenApiDocument, banner: string): string {
  const out: string[] = [`/* ${banner} */`, '/* eslint-disable */', ''];
  out.push('export interface paths {');
  const operations: Array<[string, Operation]> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    out.push(`  ${JSON.stringify(path)}: {`);
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      operations.push([op.operationId, op]);
      out.push(`    ${method}: operations[${JSON.stringify(op.operationId)}];`);
    }
    out.push('  };');
  }
  out.push('}', '', 'export interface operations {');
  for (const [id, op] of operations) out.push(`  ${key(id)}: ${indent(operationType(op), '  ')};`);
  out.push('}', '', 'export interface components {', '  schemas: {');
  for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) out.push(`    ${key(name)}: ${indent(schemaType(s), '    ')};`);
  out.push('  };', '}', '');
  return out.join('\n');
}
