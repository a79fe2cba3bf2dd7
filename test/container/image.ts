import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { buildContext, type ContextEntry } from "./dockerignore.ts";
import { DockerfileError, parseDockerfile, parseEnv, parseHealthcheck, type Instruction, type Stage } from "./dockerfile.ts";

/*
 * `docker build` and `docker run` without Docker (CI has none): each stage's filesystem is a
 * folder, filled only by its COPY lines from the build context as .dockerignore leaves it (or
 * from an earlier stage's folder); RUN steps run for real in the stage's WORKDIR, and the image
 * runs with its ENTRYPOINT and CMD, its ENV and WORKDIR, as its USER when this process may switch
 * users (it runs as root in CI). Container paths (`/app/relay.mjs`, `/data`) in commands and
 * ENV become the same paths under the image's folder.
 *
 * What differs from Docker, on purpose: the programs are the host's (its Node, its npm with its
 * cache), so `FROM` must name an official node image of the host's Node major version; the
 * network is the host's. RUN steps may name no absolute path (they would touch the host), except
 * the `mkdir -p` and `chown` of folders, which are done in the image's folder.
 */

/** Users of the official node images (docker-library/node): `node` is 1000:1000. */
const NODE_IMAGE_USERS: Record<string, { uid: number; gid: number }> = { root: { uid: 0, gid: 0 }, node: { uid: 1000, gid: 1000 } };

export interface Image {
  /** The final stage's filesystem. */
  root: string;
  env: Record<string, string>;
  workdir: string;
  user: string;
  entrypoint: string[];
  cmd: string[];
  healthcheck?: { options: Record<string, string>; command: string[] };
  volumes: string[];
}

interface StageState {
  name?: string;
  root: string;
  env: Record<string, string>;
  workdir: string;
  user: string;
  entrypoint: string[];
  cmd: string[];
  healthcheck?: Image["healthcheck"];
  volumes: string[];
}

export interface BuildOptions {
  /** Environment for RUN steps beyond the image's (the npm cache, say). */
  runEnv?: Record<string, string>;
  /** Output of every RUN step, as it comes. */
  onOutput?(chunk: string): void;
}

/** `docker build <contextDir>`: every stage in turn; the last is the image. */
export async function buildImage(contextDir: string, workDir: string, options: BuildOptions = {}): Promise<Image> {
  const stages = parseDockerfile(readFileSync(join(contextDir, "Dockerfile"), "utf8"));
  const context = buildContext(contextDir);
  const built: StageState[] = [];
  for (const [index, stage] of stages.entries()) {
    const state = newStage(stage, join(workDir, `stage-${index}`));
    for (const instruction of stage.instructions) await apply(instruction, state, { contextDir, context, built, options });
    built.push(state);
  }
  const final = built.at(-1)!;
  const image: Image = { root: final.root, env: final.env, workdir: final.workdir, user: final.user, entrypoint: final.entrypoint, cmd: final.cmd, volumes: final.volumes };
  if (final.healthcheck) image.healthcheck = final.healthcheck;
  return image;
}

function newStage(stage: Stage, root: string): StageState {
  const official = /^node:(\d+)(?:[.-][\w.-]*)?$/.exec(stage.base);
  if (!official) throw new DockerfileError(`Dockerfile: FROM ${stage.base}: the image test runs only official node images (node:<major>…) with the host's Node`);
  const hostMajor = process.versions.node.split(".")[0];
  if (official[1] !== hostMajor) throw new DockerfileError(`Dockerfile: FROM ${stage.base} runs Node ${official[1]}, this test runs the host's Node ${process.versions.node}: run it on Node ${official[1]}`);
  mkdirSync(root, { recursive: true });
  // An image's folders are world-readable: a non-root user of it must be able to reach its files.
  chmodSync(root, 0o755);
  const state: StageState = { root, env: {}, workdir: "/", user: "root", entrypoint: ["docker-entrypoint.sh"], cmd: ["node"], volumes: [] };
  if (stage.name !== undefined) state.name = stage.name;
  return state;
}

interface Inputs {
  contextDir: string;
  context: ContextEntry[];
  built: StageState[];
  options: BuildOptions;
}

async function apply(instruction: Instruction, state: StageState, inputs: Inputs): Promise<void> {
  switch (instruction.keyword) {
    case "WORKDIR":
      state.workdir = posix.resolve(state.workdir, instruction.rest);
      mkdirp(state, state.workdir);
      return;
    case "ENV":
      Object.assign(state.env, parseEnv(instruction));
      return;
    case "COPY":
      return copy(instruction, state, inputs);
    case "RUN":
      return run(instruction, state, inputs.options);
    case "USER":
      if (!NODE_IMAGE_USERS[instruction.rest]) throw new DockerfileError(`Dockerfile:${instruction.line}: USER ${instruction.rest} is not a user of the node image`);
      state.user = instruction.rest;
      return;
    case "VOLUME":
      state.volumes.push(...(instruction.exec ?? instruction.rest.split(/\s+/)));
      return;
    case "HEALTHCHECK": {
      const check = parseHealthcheck(instruction);
      if (check === "none") delete state.healthcheck;
      else state.healthcheck = check;
      return;
    }
    case "ENTRYPOINT":
      state.entrypoint = commandOf(instruction);
      // As in Docker: a new ENTRYPOINT clears a CMD inherited from the base image.
      state.cmd = [];
      return;
    case "CMD":
      state.cmd = commandOf(instruction);
      return;
    case "EXPOSE":
    case "LABEL":
      return;
    default:
      throw new DockerfileError(`Dockerfile:${instruction.line}: the image test does not model ${instruction.keyword}`);
  }
}

function commandOf(instruction: Instruction): string[] {
  return instruction.exec ?? ["/bin/sh", "-c", instruction.rest];
}

/** A container path's place in the stage's folder. */
function inStage(state: Pick<StageState, "root">, containerPath: string): string {
  return join(state.root, posix.resolve("/", containerPath));
}

function mkdirp(state: StageState, containerPath: string): void {
  const parts = posix.resolve("/", containerPath).split("/").filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const dir = join(state.root, ...parts.slice(0, i));
    if (!existsSync(dir)) {
      mkdirSync(dir);
      chmodSync(dir, 0o755);
    }
  }
}

/** COPY [--from=stage] [--chown=user:group] src… dest, with Docker's rules for folders and for a dest ending in `/`. */
function copy(instruction: Instruction, state: StageState, inputs: Inputs): void {
  const { from, chown, ...others } = instruction.flags;
  if (Object.keys(others).length > 0) throw new DockerfileError(`Dockerfile:${instruction.line}: the image test does not model COPY --${Object.keys(others)[0]}`);
  const words = instruction.exec ?? instruction.rest.split(/\s+/);
  if (words.length < 2) throw new DockerfileError(`Dockerfile:${instruction.line}: COPY needs a source and a destination`);
  const sources = words.slice(0, -1);
  const destWord = words.at(-1)!;
  const dest = posix.resolve(state.workdir, destWord);
  const intoDir = destWord.endsWith("/") || destWord === "." || sources.length > 1;
  if (sources.length > 1 && !destWord.endsWith("/")) throw new DockerfileError(`Dockerfile:${instruction.line}: COPY with several sources needs a destination ending in /`);
  const owner = chown === undefined ? undefined : ownerOf(chown, instruction);
  for (const source of sources) {
    if (/[*?[]/.test(source)) throw new DockerfileError(`Dockerfile:${instruction.line}: the image test does not model wildcards in COPY sources (${source})`);
    const found = from === undefined ? fromContext(source, inputs, instruction) : fromStage(from, source, inputs, instruction);
    const target = found.isDir ? dest : intoDir ? posix.join(dest, posix.basename(source)) : dest;
    mkdirp(state, found.isDir ? target : posix.dirname(target));
    for (const [relative, hostPath] of found.files) place(hostPath, inStage(state, posix.join(target, relative)), owner, found.whole ?? false);
    if (found.isDir && owner) chownSync(inStage(state, target), owner.uid, owner.gid);
  }
}

interface Found {
  isDir: boolean;
  /** Each entry to copy: its path under the destination ("" for the source itself), and where it is. */
  files: [string, string][];
  /** A folder is copied with all it holds (from a stage); from the context, each entry is listed. */
  whole?: boolean;
}

/** A source from the build context: only what .dockerignore lets through, as Docker sends it. */
function fromContext(source: string, inputs: Inputs, instruction: Instruction): Found {
  const path = posix.normalize(source).replace(/^(\.\/)+|\/+$/g, "");
  const entry = inputs.context.find((candidate) => candidate.path === path);
  const below = inputs.context.filter((candidate) => candidate.path.startsWith(`${path}/`));
  if (!entry && below.length === 0) {
    throw new DockerfileError(`Dockerfile:${instruction.line}: COPY ${source}: not in the build context (missing, or left out by .dockerignore)`);
  }
  if (entry && entry.kind !== "dir") return { isDir: false, files: [["", join(inputs.contextDir, path)]] };
  return { isDir: true, files: below.map((file) => [file.path.slice(path.length + 1), join(inputs.contextDir, file.path)]) };
}

function fromStage(name: string, source: string, inputs: Inputs, instruction: Instruction): Found {
  const stage = inputs.built.find((candidate) => candidate.name === name) ?? inputs.built[Number(name)];
  if (!stage) throw new DockerfileError(`Dockerfile:${instruction.line}: COPY --from=${name}: no earlier stage of that name`);
  const hostPath = inStage(stage, source);
  if (!existsSync(hostPath)) throw new DockerfileError(`Dockerfile:${instruction.line}: COPY --from=${name} ${source}: not in that stage (did its build make it?)`);
  if (!statSync(hostPath).isDirectory()) return { isDir: false, files: [["", hostPath]] };
  return { isDir: true, files: [[".", hostPath]], whole: true };
}

function place(hostPath: string, target: string, owner: { uid: number; gid: number } | undefined, whole: boolean): void {
  const stat = lstatSync(hostPath);
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(hostPath), target);
  else if (stat.isDirectory() && whole) cpSync(hostPath, target, { recursive: true, verbatimSymlinks: true });
  else if (stat.isDirectory()) mkdirSync(target, { recursive: true, mode: 0o755 });
  else {
    // The context lists a folder before what it holds, but a folder left out for an exception below it is not listed.
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    copyFileSync(hostPath, target);
  }
  if (owner) chownSync(target, owner.uid, owner.gid);
}

function ownerOf(spec: string, instruction: Instruction): { uid: number; gid: number } {
  const [user = "", group = user] = spec.split(":");
  const known = (name: string) => NODE_IMAGE_USERS[name] ?? (/^\d+$/.test(name) ? { uid: Number(name), gid: Number(name) } : undefined);
  const u = known(user);
  const g = known(group);
  if (!u || !g) throw new DockerfileError(`Dockerfile:${instruction.line}: ${spec} names a user the node image does not have`);
  return { uid: u.uid, gid: g.gid };
}

/** RUN: folders made and given away inside the stage; anything else runs for real in the stage's WORKDIR. */
async function run(instruction: Instruction, state: StageState, options: BuildOptions): Promise<void> {
  if (instruction.exec) throw new DockerfileError(`Dockerfile:${instruction.line}: the image test runs RUN in shell form only`);
  if (Object.keys(instruction.flags).length > 0) throw new DockerfileError(`Dockerfile:${instruction.line}: the image test does not model RUN --${Object.keys(instruction.flags)[0]}`);
  const steps = instruction.rest.split("&&").map((step) => step.trim().split(/\s+/));
  if (steps.every((words) => words[0] === "mkdir" || words[0] === "chown")) {
    for (const words of steps) fileStep(words, state, instruction);
    return;
  }
  if (/(^|\s)\//.test(instruction.rest)) throw new DockerfileError(`Dockerfile:${instruction.line}: RUN ${instruction.rest}: names an absolute path, which the image test would run on the host`);
  const cwd = inStage(state, state.workdir);
  const env = { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...state.env, ...options.runEnv };
  const { code, output } = await runProcess(["/bin/sh", "-c", instruction.rest], { cwd, env });
  options.onOutput?.(output);
  if (code !== 0) throw new DockerfileError(`Dockerfile:${instruction.line}: RUN ${instruction.rest} failed (exit ${code}):\n${output.slice(-4000)}`);
}

function fileStep(words: string[], state: StageState, instruction: Instruction): void {
  const [command, ...args] = words as [string, ...string[]];
  if (command === "mkdir") {
    if (args[0] !== "-p") throw new DockerfileError(`Dockerfile:${instruction.line}: the image test makes folders with mkdir -p only`);
    for (const path of args.slice(1)) mkdirp(state, posix.resolve(state.workdir, path));
    return;
  }
  const [spec, ...paths] = args;
  if (spec === undefined || spec.startsWith("-") || paths.length === 0) throw new DockerfileError(`Dockerfile:${instruction.line}: the image test models chown user:group path… only`);
  const owner = ownerOf(spec, instruction);
  for (const path of paths) chownSync(inStage(state, posix.resolve(state.workdir, path)), owner.uid, owner.gid);
}

export interface RunOptions {
  /** `docker run -e NAME=value`. */
  env?: Record<string, string>;
  /** `docker run image <args>`: replaces CMD. */
  args?: string[];
  onOutput?(chunk: string): void;
}

/** The command line, environment, folder and user `docker run` would start, mapped onto the image's folder. */
export function containerProcess(image: Image, command: string[], extraEnv: Record<string, string> = {}): { argv: string[]; cwd: string; env: Record<string, string>; uid?: number; gid?: number } {
  const mapPath = (value: string) => (isImagePath(image, value) ? inStage(image, value) : value);
  const [program = "", ...rest] = command;
  const argv = [program === "node" ? process.execPath : mapPath(program), ...rest.map(mapPath)];
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" };
  for (const [name, value] of Object.entries({ ...image.env, ...extraEnv })) env[name] = mapPath(value);
  const user = NODE_IMAGE_USERS[image.user]!;
  const switchable = process.getuid?.() === 0;
  return { argv, cwd: inStage(image, image.workdir), env, ...(switchable ? { uid: user.uid, gid: user.gid } : {}) };
}

/** An absolute path that names something in the image (so not /bin/sh, /dev/null…). */
function isImagePath(image: Image, value: string): boolean {
  if (!value.startsWith("/") || value.includes(" ")) return false;
  const first = value.split("/")[1];
  return first !== undefined && first !== "" && existsSync(join(image.root, first));
}

/** `docker run [-e …] image [args]`: the entrypoint with CMD (or `args`), started. */
export function startContainer(image: Image, options: RunOptions = {}): ChildProcess {
  const spec = containerProcess(image, [...image.entrypoint, ...(options.args ?? image.cmd)], options.env);
  const [file, ...args] = spec.argv as [string, ...string[]];
  const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "pipe", "pipe"], ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }) });
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => options.onOutput?.(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => options.onOutput?.(chunk));
  return child;
}

/** Runs a container command to its end: `docker run --rm image args`, or the HEALTHCHECK's command. */
export async function runInContainer(image: Image, command: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const spec = containerProcess(image, command, env);
  return runProcess(spec.argv, spec);
}

function runProcess(argv: string[], spec: { cwd: string; env: Record<string, string>; uid?: number; gid?: number }): Promise<{ code: number; output: string }> {
  const [file, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "pipe", "pipe"], ...(spec.uid === undefined ? {} : { uid: spec.uid, gid: spec.gid }) });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

/** A fresh folder for a build, readable by the image's user. */
export function workFolder(parent: string): string {
  const dir = mkdtempSync(join(parent, "image-"));
  chmodSync(dir, 0o755);
  return dir;
}
