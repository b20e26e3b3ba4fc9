import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openApiToTypeScript, schemaType } from '../../../../src/common/openapi/openapi-to-ts.js';

describe('OpenAPI document to openapi-fetch types', () => {
  it('ok schemas become TypeScript types', () => {
    assert.equal(schemaType({ type: 'string', nullable: true }), 'string | null');
    assert.equal(schemaType({ type: 'array', items: { $ref: '#/components/schemas/SlotDto' } }), '(components["schemas"]["SlotDto"])[]');
    assert.equal(schemaType({ enum: ['ok', 'refused'] }), '"ok" | "refused"');
    assert.equal(schemaType({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }), 'string | (string)[]');
    assert.equal(
      schemaType({ type: 'object', required: ['a'], properties: { a: { type: 'integer' }, 'b-c': { type: 'boolean' } }, additionalProperties: { type: 'number' } }),
      '{\n  a: number;\n  "b-c"?: boolean;\n  [key: string]: number;\n}',
    );
  });

  it('ok an operation has the shape openapi-fetch reads: parameters by place, JSON body, responses by status', () => {
    const ts = openApiToTypeScript(
      {
        paths: {
          '/api/jigs/{jigId}/scan': {
            post: {
              operationId: 'Station_scan',
              parameters: [
                { name: 'jigId', in: 'path', required: true, schema: { type: 'string' } },
                { name: 'slot', in: 'query', required: false, schema: { type: 'number' } },
              ],
              responses: { '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/ScanResultDto' } } } } },
            },
          },
        },
        components: { schemas: { ScanResultDto: { type: 'object', required: ['jigId'], properties: { jigId: { type: 'string' } } } } },
      },
      'test',
    );
    assert.match(ts, /"\/api\/jigs\/\{jigId\}\/scan": \{\n {4}post: operations\["Station_scan"\];/);
    assert.match(ts, /query\?: \{ slot\?: number; \};/);
    assert.match(ts, /path: \{ jigId: string; \};/);
    assert.match(ts, /201: \{\n\s+headers: \{ \[name: string\]: unknown \};\n\s+content: \{\n\s+"application\/json": components\["schemas"\]\["ScanResultDto"\];/);
    assert.match(ts, /ScanResultDto: \{\n\s+jigId: string;\n\s+\};/);
  });
});
