/**
 * Strict validation of synthesized Kubernetes objects against the Kubernetes schema, for tests.
 *
 * Two checks per object, and every problem is reported (never only the first):
 *  1. Schema: the `kubernetes-models` model for `apiVersion` + `kind` (module
 *     `kubernetes-models/<apiVersion>/<Kind>`) is constructed and `.validate()`d (ajv against the
 *     OpenAPI schema): required fields, types, enums, int-or-string, quantities...
 *  2. Unknown fields: `kubernetes-models` accepts extra keys, so every key is also checked against
 *     a "field tree" derived from the models' TypeScript declarations (`I<Kind>` in each .d.ts)
 *     with the TypeScript compiler API. The tree is plain JSON, cached on disk in
 *     `node_modules/.cache/cdk8s-node-agents/k8s-fields-<kubernetes-models version>.json`
 *     (and in memory), so only the first test run after an install pays the compile cost.
 *
 * Cost of validating one DaemonSet in a fresh node process (measured: Node 20, 2 vCPUs, kubernetes-models
 * 4.5.1, typescript 5.9; 4 runs each, excluding compiling this file):
 *  - cold (no cache file: loads `typescript`, compiles the declarations of the 22 supported kinds and
 *    walks ~220 object types, writes a 37 kB JSON tree): 630-870 ms (~1.2 s as the first jest test)
 *  - warm (cache file present): 70-95 ms, of which ~2 ms reading the tree and ~70 ms loading the
 *    DaemonSet's ajv schema from kubernetes-models (paid once per jest worker: loaded with Node's require)
 *  - every further DaemonSet: ~0.1-0.25 ms
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import type * as TS from 'typescript';

/** The kinds that can be validated, by apiVersion. Anything else is reported as a problem. */
const SUPPORTED_KINDS: Readonly<Record<string, readonly string[]>> = {
  'v1': ['ConfigMap', 'LimitRange', 'Namespace', 'PersistentVolumeClaim', 'Pod', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount'],
  'apps/v1': ['DaemonSet', 'Deployment', 'StatefulSet'],
  'batch/v1': ['CronJob', 'Job'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'networking.k8s.io/v1': ['NetworkPolicy'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['PodDisruptionBudget'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
};

/** Bump when the shape of the cached field tree (or how it is derived) changes. */
const FIELD_TREE_FORMAT = 1;

/**
 * How the keys of a value are checked:
 * `scalar` (no keys), `any` (free-form, e.g. FieldsV1, RawExtension), a named object type whose
 * fields are in `FieldTree.types`, a list of items, or a map with arbitrary keys (labels...).
 */
type FieldNode = 'scalar' | 'any' | { readonly ref: string } | { readonly list: FieldNode } | { readonly map: FieldNode };

interface FieldTree {
  readonly format: number;
  readonly modelsVersion: string;
  /** `<apiVersion>/<Kind>` → node of the kind's root object type. */
  readonly roots: Record<string, FieldNode>;
  /** Object types by name (shared and possibly recursive, e.g. JSONSchemaProps) → field name → node. */
  readonly types: Record<string, Record<string, FieldNode>>;
}

/** The ajv error objects that `kubernetes-models` attaches to its validation error. */
interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Record<string, any>;
}

interface ModelConstructor {
  new (data: any): { validate(): void };
}

/** Node's own require: modules loaded with it are shared by all test files of a jest worker. */
const nodeRequire = createRequire(__filename);

/** Field trees by cache file (one per process and kubernetes-models version, unless the cache dir is overridden). */
const fieldTreeMemo = new Map<string, FieldTree>();
const modelMemo = new Map<string, ModelConstructor>();

/**
 * Validates objects (e.g. `Testing.synth(chart)`) strictly against the Kubernetes schema.
 * Throws one Error listing every problem of every object; returns normally if there are none.
 */
export function validateObjects(objects: any[]): void {
  if (!Array.isArray(objects)) {
    throw new Error(`validateObjects: expected an array of objects, got ${describe(objects)}`);
  }
  const problems = objects.flatMap((o) => schemaProblems(o));
  if (problems.length > 0) {
    throw new Error(`${problems.length} Kubernetes schema problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * The schema problems of one object, each as `<Kind>/<name>: <problem at JSON path>`; `[]` if it is valid.
 */
export function schemaProblems(object: any): string[] {
  if (!isObject(object)) {
    return [`not a Kubernetes object: ${describe(object)}`];
  }
  const { apiVersion, kind } = object;
  const label = `${typeof kind === 'string' ? kind : '<no kind>'}/${object.metadata?.name ?? '<no name>'}`;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !Object.hasOwn(SUPPORTED_KINDS, apiVersion)
    || !SUPPORTED_KINDS[apiVersion].includes(kind)) {
    return [`${label}: unsupported apiVersion/kind ${describe(apiVersion)}/${describe(kind)} (supported: ${supportedKeys().join(', ')})`];
  }
  const key = `${apiVersion}/${kind}`;
  const tree = fieldTree();
  const problems = [
    ...schemaErrors(key, object),
    ...unknownFields(tree, object, tree.roots[key], ''),
  ];
  return problems.map((p) => `${label}: ${p}`);
}

// ---------------------------------------------------------------------------------------------
// 1. kubernetes-models validation

function schemaErrors(key: string, object: any): string[] {
  let model = modelMemo.get(key);
  if (!model) {
    const kind = key.slice(key.lastIndexOf('/') + 1);
    model = nodeRequire(`kubernetes-models/${key}`)[kind] as ModelConstructor;
    modelMemo.set(key, model);
  }
  try {
    new model(object).validate();
    return [];
  } catch (e: any) {
    const errors: SchemaError[] | undefined = e?.errors;
    if (!Array.isArray(errors)) {
      return [`validation failed: ${e?.message ?? e}`];
    }
    return formatSchemaErrors(errors, object);
  }
}

function formatSchemaErrors(errors: SchemaError[], object: any): string[] {
  // int-or-string and quantities are `oneOf` [integer|number, string]: report one problem per
  // path ("must be integer or string") instead of one per alternative plus the oneOf itself.
  const alternatives = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      alternatives.set(e.instancePath, []);
    }
  }
  for (const e of errors) {
    if (e.keyword === 'type' && alternatives.has(e.instancePath)) {
      alternatives.get(e.instancePath)!.push(String(e.params.type));
    }
  }

  const out: string[] = [];
  for (const e of errors) {
    const where = pointerToPath(e.instancePath);
    const value = valueAt(object, e.instancePath);
    const alts = alternatives.get(e.instancePath);
    if (alts && e.keyword === 'type') {
      continue;
    }
    switch (e.keyword) {
      case 'required':
        out.push(`missing required field ${joinPath(where, String(e.params.missingProperty))}`);
        break;
      case 'type':
        out.push(`${where || '(root)'} must be ${e.params.type} (got ${describe(value)})`);
        break;
      case 'enum':
        out.push(`${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${describe(value)})`);
        break;
      case 'oneOf':
      case 'anyOf':
        out.push(alts!.length > 0
          ? `${where} must be ${alts!.join(' or ')} (got ${describe(value)})`
          : `${where} ${e.message ?? 'matches no allowed schema'} (got ${describe(value)})`);
        break;
      default:
        out.push(`${where || '(root)'} ${e.message ?? e.keyword} (got ${describe(value)})`);
    }
  }
  return [...new Set(out)];
}

/** `/spec/template/spec/containers/0/name` → `spec.template.spec.containers[0].name`. */
function pointerToPath(pointer: string): string {
  return pointerSegments(pointer).reduce((p, seg) => (/^\d+$/.test(seg) ? `${p}[${seg}]` : joinPath(p, seg)), '');
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(object: any, pointer: string): unknown {
  let value = object;
  for (const seg of pointerSegments(pointer)) {
    value = value?.[seg];
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// 2. Unknown fields

function unknownFields(tree: FieldTree, value: unknown, node: FieldNode, at: string): string[] {
  if (node === 'scalar' || node === 'any' || !isObject(value) && !Array.isArray(value)) {
    return []; // a wrong type is a schema error, reported above
  }
  if ('list' in node) {
    return Array.isArray(value) ? value.flatMap((item, i) => unknownFields(tree, item, node.list, `${at}[${i}]`)) : [];
  }
  if (Array.isArray(value)) {
    return [];
  }
  if ('map' in node) {
    return Object.entries(value).flatMap(([k, v]) => unknownFields(tree, v, node.map, joinPath(at, k)));
  }
  const fields = tree.types[node.ref];
  return Object.entries(value).flatMap(([k, v]) => Object.hasOwn(fields, k)
    ? unknownFields(tree, v, fields[k], joinPath(at, k))
    : [`unknown field ${joinPath(at, k)}${suggestion(k, Object.keys(fields))}`]);
}

/** ` (did you mean hostPID?)` for a case-insensitive match or a close misspelling, else ''. */
function suggestion(key: string, known: string[]): string {
  const lower = key.toLowerCase();
  let best = known.find((k) => k.toLowerCase() === lower);
  let bestDistance = Math.min(2, Math.floor(key.length / 3)) + 1;
  for (const k of best ? [] : known) {
    const distance = editDistance(lower, k.toLowerCase());
    if (distance < bestDistance) {
      best = k;
      bestDistance = distance;
    }
  }
  return best ? ` (did you mean ${best}?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

// ---------------------------------------------------------------------------------------------
// The field tree: built from the kubernetes-models declarations, cached on disk and in memory.

/**
 * The field tree, from memory, else from the cache file, else built (and written to the cache file).
 * The cache directory is `node_modules/.cache/cdk8s-node-agents`, or `$CDK8S_NODE_AGENTS_K8S_FIELDS_CACHE_DIR`
 * (used by the test of the cold path).
 */
function fieldTree(): FieldTree {
  const models = kubernetesModels();
  const cacheDir = process.env.CDK8S_NODE_AGENTS_K8S_FIELDS_CACHE_DIR || path.join(path.dirname(models.dir), '.cache', 'cdk8s-node-agents');
  const cacheFile = path.join(cacheDir, `k8s-fields-${models.version}.json`);
  let tree = fieldTreeMemo.get(cacheFile);
  if (!tree) {
    tree = readCache(cacheFile, models.version);
    if (!tree) {
      tree = buildFieldTree(path.dirname(path.dirname(models.dir)), models.version);
      writeCache(cacheFile, tree);
    }
    fieldTreeMemo.set(cacheFile, tree);
  }
  return tree;
}

let modelsMemo: { readonly dir: string; readonly version: string } | undefined;

/** The installed kubernetes-models package: its directory and version. */
function kubernetesModels(): { readonly dir: string; readonly version: string } {
  if (!modelsMemo) {
    const dir = path.dirname(nodeRequire.resolve('kubernetes-models/package.json'));
    modelsMemo = { dir, version: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version };
  }
  return modelsMemo;
}

function readCache(file: string, modelsVersion: string): FieldTree | undefined {
  try {
    const tree: FieldTree = JSON.parse(fs.readFileSync(file, 'utf8'));
    const complete = tree.format === FIELD_TREE_FORMAT && tree.modelsVersion === modelsVersion
      && supportedKeys().every((k) => tree.roots[k] !== undefined);
    return complete ? tree : undefined;
  } catch {
    return undefined; // missing or unreadable: rebuild
  }
}

/** Write-then-rename, so that parallel jest workers never read a half-written file. */
function writeCache(file: string, tree: FieldTree): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(tree));
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true }); // a read-only node_modules only costs speed
  }
}

function supportedKeys(): string[] {
  return Object.entries(SUPPORTED_KINDS).flatMap(([apiVersion, kinds]) => kinds.map((k) => `${apiVersion}/${k}`));
}

/**
 * Compiles a one-file program whose `Roots` interface has one property per supported kind, typed
 * `import('kubernetes-models/<apiVersion>/<Kind>').I<Kind>`, and walks those types with the checker.
 */
function buildFieldTree(projectDir: string, modelsVersion: string): FieldTree {
  const ts: typeof TS = nodeRequire('typescript');
  const entry = path.join(projectDir, '__k8s_schema_fields__.ts').replace(/\\/g, '/');
  const source = [
    'export interface Roots {',
    ...supportedKeys().map((key) => `  ${JSON.stringify(key)}: import(${JSON.stringify(`kubernetes-models/${key}`)}).I${key.slice(key.lastIndexOf('/') + 1)};`),
    '}',
    '',
  ].join('\n');

  const options: TS.CompilerOptions = {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2020,
    lib: ['lib.es5.d.ts'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, ...rest) => fileName === entry
    ? ts.createSourceFile(fileName, source, languageVersion, true)
    : getSourceFile.call(host, fileName, languageVersion, ...rest);
  host.fileExists = (fileName) => fileName === entry || fileExists.call(host, fileName);
  host.readFile = (fileName) => fileName === entry ? source : readFile.call(host, fileName);

  const program = ts.createProgram([entry], options, host);
  const sourceFile = program.getSourceFile(entry)!;
  const diagnostics = program.getSemanticDiagnostics(sourceFile);
  if (diagnostics.length > 0) {
    throw new Error(`cannot derive Kubernetes fields from kubernetes-models ${modelsVersion}:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  const checker = program.getTypeChecker();
  const rootsSymbol = checker.getExportsOfModule(checker.getSymbolAtLocation(sourceFile)!).find((s) => s.name === 'Roots')!;

  const types: Record<string, Record<string, FieldNode>> = {};
  const typeNames = new Map<TS.Type, string>();
  const freeForm = [checker.getAnyType(), checker.getUnknownType()];
  const primitives = [checker.getStringType(), checker.getNumberType(), checker.getBooleanType(), checker.getBigIntType(),
    checker.getNullType(), checker.getUndefinedType()];
  // literals ("apps/v1"), string enums and boolean are assignable to a primitive; `any` is handled first
  const isPrimitive = (type: TS.Type) => primitives.some((p) => checker.isTypeAssignableTo(type, p));

  const toNode = (t: TS.Type, owner: string): FieldNode => {
    const type = checker.getNonNullableType(t);
    if (freeForm.includes(type)) {
      return 'any';
    }
    if (isPrimitive(type)) {
      return 'scalar';
    }
    if (type.isUnion()) {
      // IntOrString (string | number), Quantity (number | string)...
      const objects = type.types.filter((m) => !isPrimitive(m));
      return objects.length === 0 ? 'scalar' : objects.length === 1 ? toNode(objects[0], owner) : 'any';
    }
    if (checker.isArrayType(type)) {
      return { list: toNode(checker.getTypeArguments(type as TS.TypeReference)[0], owner) };
    }
    if (type.flags === ts.TypeFlags.Object || type.isIntersection()) {
      const properties = checker.getPropertiesOfType(type);
      const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
      if (properties.length === 0) {
        return index ? { map: toNode(index.type, owner) } : 'any'; // {[key: string]: T}, or free-form {}
      }
      if (index) {
        return 'any'; // known fields plus arbitrary ones: nothing is unknown
      }
      return { ref: defineType(type, properties, owner) };
    }
    throw new Error(`cannot derive Kubernetes fields: unexpected type ${checker.typeToString(type)}`);
  };

  /** Named after its interface, or after where it is used if it is an inline type literal. */
  const defineType = (type: TS.Type, properties: TS.Symbol[], owner: string): string => {
    const known = typeNames.get(type);
    if (known) {
      return known;
    }
    const symbolName = (type.aliasSymbol ?? type.getSymbol())?.name;
    const base = symbolName && !symbolName.startsWith('__') ? symbolName : owner;
    let name = base;
    for (let i = 2; Object.hasOwn(types, name); i++) {
      name = `${base}#${i}`;
    }
    const fields: Record<string, FieldNode> = {};
    typeNames.set(type, name); // before recursing: recursive types (JSONSchemaProps) end here
    types[name] = fields;
    for (const p of properties) {
      fields[p.name] = toNode(checker.getTypeOfSymbol(p), `${name}.${p.name}`);
    }
    return name;
  };

  const roots: Record<string, FieldNode> = {};
  for (const p of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(rootsSymbol))) {
    roots[p.name] = toNode(checker.getTypeOfSymbol(p), p.name);
  }
  return { format: FIELD_TREE_FORMAT, modelsVersion, roots, types };
}

// ---------------------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `a` + `b` → `a.b`; keys that are not identifiers are quoted: `metadata.labels["app.kubernetes.io/name"]`. */
function joinPath(at: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) {
    return at ? `${at}.${key}` : key;
  }
  return `${at}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
