import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';

/*
 * XML checks for the tests with libxml2's own validator compiled to WebAssembly
 * (`xmllint-wasm`), so a fresh machine needs nothing beyond Node to run them: no system
 * `xmllint`. Files are handed over in memory; nothing is fetched (the schemas import
 * each other by file name, and all of them are preloaded).
 */

const HAVE_SCHEMA_DIR = fileURLToPath(new URL('../../shared/data/edxl-have/schema-1.0/', import.meta.url));
const HAVE_ROOT_SCHEMA = 'have.xsd';

let haveSchemas: XMLFileInfo[] | undefined;

/** The EDXL-HAVE 1.0 schema and every file it imports, read once. */
function haveSchemaFiles(): XMLFileInfo[] {
  haveSchemas ??= readdirSync(HAVE_SCHEMA_DIR)
    .filter((name) => name.endsWith('.xsd'))
    .map((fileName) => ({ fileName, contents: readFileSync(`${HAVE_SCHEMA_DIR}${fileName}`, 'utf8') }));
  return haveSchemas;
}

/** What a check found: `valid`, and libxml2's messages when not. */
export interface XmlCheck {
  valid: boolean;
  errors: string[];
}

/**
 * Validates `xml` against `shared/data/edxl-have/schema-1.0/have.xsd` (EDXL-HAVE 1.0),
 * as `xmllint --noout --nonet --schema have.xsd` would.
 *
 * @example
 * expect(await validateAgainstHaveSchema(xml)).toEqual({ valid: true, errors: [] });
 */
export async function validateAgainstHaveSchema(xml: string): Promise<XmlCheck> {
  const files = haveSchemaFiles();
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: xml }],
    schema: files.find((file) => file.fileName === HAVE_ROOT_SCHEMA)!,
    preload: files.filter((file) => file.fileName !== HAVE_ROOT_SCHEMA),
  });
  return { valid: result.valid, errors: result.errors.map((error) => error.rawMessage) };
}

/** Whether `xml` is well-formed, as `xmllint --noout` would say. */
export async function checkWellFormed(xml: string): Promise<XmlCheck> {
  const result = await validateXML({ xml: [{ fileName: 'document.xml', contents: xml }], normalization: 'format' });
  return { valid: result.valid, errors: result.errors.map((error) => error.rawMessage) };
}
