// From VS Code's `iamLs.*` settings to what the server reads (the same structure as
// `iam-ls.toml`, under `iamLs`), to the server's environment, and to the documents the client
// sends it. Pure logic, unit-tested under plain Node.

/** Reads one setting below `iamLs.` (`WorkspaceConfiguration.get` in the extension). */
export type SettingGetter = (key: string) => unknown;

/** The server's settings section: what `Config::merge` in the server accepts. */
export interface ServerSettings {
  kinds?: Record<string, string>;
  rules?: Record<string, string>;
  ignore?: unknown[];
  groups?: unknown[];
  aws?: { profile?: string; region?: string; timeout_seconds?: number; endpoint_url?: string };
  vpc_endpoint?: { required_resources: string[] };
}

/** Log levels the server understands in `RUST_LOG`. */
export const LOG_LEVELS = ["error", "warn", "info", "debug", "trace"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings whose change needs a new server process (not just a configuration push). */
export const RESTART_SETTINGS = ["iamLs.server.path", "iamLs.server.logLevel", "iamLs.kinds"];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/**
 * The settings to send to the server. Empty values (VS Code's defaults: `""`, `{}`, `[]`, `null`)
 * are left out, so they never override `iam-ls.toml`; anything else is passed as written and
 * the server validates it (its warnings name the setting, e.g. `iamLs.kinds["x"]`).
 */
export function serverSettings(get: SettingGetter): ServerSettings {
  const out: ServerSettings = {};
  const kinds = get("kinds");
  if (isPlainObject(kinds) && Object.keys(kinds).length > 0) {
    out.kinds = kinds as Record<string, string>;
  }
  const rules = get("rules");
  if (isPlainObject(rules) && Object.keys(rules).length > 0) {
    out.rules = rules as Record<string, string>;
  }
  const ignore = get("ignore");
  if (Array.isArray(ignore) && ignore.length > 0) {
    out.ignore = ignore;
  }
  const groups = get("groups");
  if (Array.isArray(groups) && groups.length > 0) {
    out.groups = groups;
  }
  const aws: NonNullable<ServerSettings["aws"]> = {};
  const profile = nonEmptyString(get("aws.profile"));
  if (profile !== undefined) {
    aws.profile = profile;
  }
  const region = nonEmptyString(get("aws.region"));
  if (region !== undefined) {
    aws.region = region;
  }
  const endpoint = nonEmptyString(get("aws.endpointUrl"));
  if (endpoint !== undefined) {
    aws.endpoint_url = endpoint;
  }
  const timeout = get("aws.timeoutSeconds");
  if (typeof timeout === "number" && Number.isFinite(timeout)) {
    aws.timeout_seconds = timeout;
  }
  if (Object.keys(aws).length > 0) {
    out.aws = aws;
  }
  const required = get("vpcEndpoint.requiredResources");
  if (Array.isArray(required) && required.length > 0) {
    out.vpc_endpoint = { required_resources: required };
  }
  return out;
}

/** The payload for `initializationOptions` and `workspace/didChangeConfiguration`. */
export function settingsPayload(get: SettingGetter): { iamLs: ServerSettings } {
  return { iamLs: serverSettings(get) };
}

/** `iamLs.server.logLevel`, or `warn` when it holds anything else. */
export function logLevel(get: SettingGetter): LogLevel {
  const v = get("server.logLevel");
  return typeof v === "string" && (LOG_LEVELS as readonly string[]).includes(v)
    ? (v as LogLevel)
    : "warn";
}

/** The server's environment: the extension host's, with `RUST_LOG` set from the setting. */
export function serverEnv(
  base: Record<string, string | undefined>,
  level: LogLevel,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined) {
      env[k] = v;
    }
  }
  env.RUST_LOG = level;
  return env;
}

/** A document filter as vscode-languageclient takes it. */
export type DocumentFilter =
  | { scheme: string; language: string }
  | { scheme: string; pattern: string };

/**
 * Languages the server is offered: policies are recognised by content, logs are text;
 * CloudFormation/SAM templates (YAML, JSON) and Terraform files hold embedded policies (the
 * server stays silent on YAML that is not a template).
 */
const POLICY_LANGUAGES = ["json", "jsonc", "yaml", "terraform"];
const LOG_LANGUAGES = ["log", "plaintext"];

/**
 * Which documents go to the server: JSON, YAML and Terraform (policies and templates are
 * detected by content), logs and plain
 * text (AccessDenied lines, encoded messages) including output channels, and every file that
 * matches an `iamLs.kinds` glob, whatever its language. Globs are workspace-relative, so they
 * are anchored at each workspace folder (or at any folder when none is open).
 */
export function documentSelector(
  kinds: unknown,
  workspaceFolders: string[],
): DocumentFilter[] {
  const filters: DocumentFilter[] = [];
  for (const language of POLICY_LANGUAGES) {
    for (const scheme of ["file", "untitled"]) {
      filters.push({ scheme, language });
    }
  }
  for (const language of LOG_LANGUAGES) {
    for (const scheme of ["file", "untitled", "output"]) {
      filters.push({ scheme, language });
    }
  }
  if (isPlainObject(kinds)) {
    for (const glob of Object.keys(kinds)) {
      for (const pattern of anchoredPatterns(glob, workspaceFolders)) {
        filters.push({ scheme: "file", pattern });
      }
    }
  }
  return filters;
}

/** A workspace-relative glob as absolute patterns, one per folder (`/` separators). */
export function anchoredPatterns(glob: string, workspaceFolders: string[]): string[] {
  const g = glob.trim().replace(/\\/g, "/").replace(/^\.\//, "");
  if (g === "") {
    return [];
  }
  if (g.startsWith("/") || g.startsWith("**/") || workspaceFolders.length === 0) {
    return [g.startsWith("/") || g.startsWith("**/") ? g : `**/${g}`];
  }
  return workspaceFolders.map((f) => `${f.replace(/\\/g, "/").replace(/\/+$/, "")}/${g}`);
}
