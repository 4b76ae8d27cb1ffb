// Validates OpenAPI documents with @apidevtools/swagger-parser: each file against the OpenAPI
// 3.0 JSON Schema, every $ref resolved. Usage: node validate.mjs FILE...; exit 1 on the first
// invalid file, with the validator's message.
import SwaggerParser from "@apidevtools/swagger-parser";

let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    const api = await SwaggerParser.validate(file);
    console.log(`${file}: valid OpenAPI ${api.openapi} (${Object.keys(api.paths).length} paths)`);
  } catch (error) {
    console.error(`${file}: INVALID\n${error.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
