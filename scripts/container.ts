// Builds the hub's container image (hub/deploy/Containerfile) with podman, on machines that can reach a container
// registry and on machines that cannot.
//
//   node --import tsx scripts/container.ts build       (npm run container:build)
//
// The Containerfile starts from the official Node.js images (docker.io/library/node:24-bookworm and
// -bookworm-slim). When they cannot be pulled, this makes equivalent local base images instead: Debian bookworm
// from the Debian mirror with debootstrap (as root), Node.js from the npm registry (node-linux-<arch>, the
// official build; the same version as the test suite's second Node.js), npm from the npm registry, and for the
// build stage python3, make and g++ so that better-sqlite3 can be compiled against the image's own Node.js
// headers. The machine's extra CA certificates (/usr/local/share/ca-certificates) are trusted in the build stage,
// so that a TLS-inspecting proxy in front of the npm registry works; the runtime image gets none of them.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPodman, imageExists, type Podman, podman } from '../test/support/podman.js';

const ROOT = join(import.meta.dirname, '..');
const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'hub', 'package.json'), 'utf8')).version;
export const HUB_IMAGE = `localhost/outpost-hub:${VERSION}`;
const OFFICIAL = {
  build: 'docker.io/library/node:24-bookworm',
  runtime: 'docker.io/library/node:24-bookworm-slim',
};
const NO_ENV = { env: {} };
const DEBIAN_MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

function say(line: string) {
  process.stdout.write(`container: ${line}\n`);
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(cmd, args, {
    stdio: 'inherit',
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function npmPack(spec: string, dir: string): string {
  const r = spawnSync('npm', ['pack', spec, '--pack-destination', dir, '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`npm pack ${spec} failed (exit ${r.status})`);
  return join(dir, (JSON.parse(r.stdout) as { filename: string }[])[0]?.filename ?? '');
}

/** The official images, when this machine has or can pull them (each within ten minutes). */
function pullOfficial(): boolean {
  for (const image of [OFFICIAL.runtime, OFFICIAL.build]) {
    if (imageExists(NO_ENV, image)) continue;
    const r = podman(NO_ENV, ['pull', '--quiet', image], { timeoutMs: 600_000 });
    if (r.status !== 0) {
      say(`cannot pull ${image}: ${r.stderr.trim().split('\n').pop()}`);
      return false;
    }
  }
  return true;
}

/** Local equivalents of the official images; returns their names (made once, then reused). */
async function localBases(): Promise<{ runtime: string; build: string; podman: Podman }> {
  const { EXTRA_NODE_VERSION: nodeVersion } = (await import(join(ROOT, 'scripts', 'node-versions.mjs'))) as {
    EXTRA_NODE_VERSION: string;
  };
  const runtime = `localhost/outpost-base:node${nodeVersion}-bookworm-slim`;
  const build = `localhost/outpost-base:node${nodeVersion}-bookworm-build`;
  if (imageExists(NO_ENV, runtime) && imageExists(NO_ENV, build)) {
    const probe = findPodman(runtime);
    if (!('env' in probe)) throw new Error(probe.reason);
    say(`reusing ${runtime} and ${build}`);
    return { runtime, build, podman: probe };
  }
  if (process.getuid?.() !== 0) throw new Error('making a base image with debootstrap needs root');
  const hasDebootstrap = spawnSync('sh', ['-c', 'command -v debootstrap'], { stdio: 'ignore' }).status === 0;
  if (!hasDebootstrap) throw new Error('debootstrap is not installed (apt-get install debootstrap)');

  const work = mkdtempSync(join('/var/tmp', 'outpost-base-'));
  try {
    const rootfs = join(work, 'rootfs');
    say(`debootstrap bookworm from ${DEBIAN_MIRROR} (about a minute)`);
    run('debootstrap', ['--variant=minbase', '--include=ca-certificates', 'bookworm', rootfs, DEBIAN_MIRROR]);
    rmSync(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    mkdirSync(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
    rmSync(join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
    mkdirSync(join(rootfs, 'var/lib/apt/lists/partial'), { recursive: true });

    // Node.js and npm where the official image has them (/usr/local), headers included for node-gyp.
    say(`Node.js ${nodeVersion} and npm from the npm registry`);
    const arch = { x64: 'x64', arm64: 'arm64' }[process.arch as string];
    if (!arch) throw new Error(`no Node.js package for ${process.arch}`);
    const nodeTgz = npmPack(`node-linux-${arch}@${nodeVersion}`, work);
    run('tar', [
      '-xzf',
      nodeTgz,
      '-C',
      join(rootfs, 'usr/local'),
      '--strip-components=1',
      'package/bin',
      'package/include',
      'package/share',
    ]);
    const npmTgz = npmPack('npm@11', work);
    const npmDir = join(rootfs, 'usr/local/lib/node_modules/npm');
    mkdirSync(npmDir, { recursive: true });
    run('tar', ['-xzf', npmTgz, '-C', npmDir, '--strip-components=1']);
    for (const bin of ['npm', 'npx']) {
      run('ln', ['-sf', `../lib/node_modules/npm/bin/${bin}-cli.js`, join(rootfs, 'usr/local/bin', bin)]);
    }

    const env = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    say(`importing ${runtime}`);
    // The image store is the same whatever CONTAINERS_CONF says, and importing runs no container.
    run('sh', [
      '-c',
      `tar -C '${rootfs}' -c . | podman import --change '${env}' --change 'CMD ["node"]' - ${runtime}`,
    ]);
    const p = findPodman(runtime);
    if (!('env' in p)) throw new Error(p.reason);
    say(`podman: ${p.note}`);

    // The build stage: compilers for better-sqlite3, npm pointed at the image's headers, this machine's CAs.
    const ctx = join(work, 'build-context');
    mkdirSync(join(ctx, 'ca'), { recursive: true });
    const localCas = '/usr/local/share/ca-certificates';
    if (existsSync(localCas)) {
      for (const f of readdirSync(localCas).filter((n) => n.endsWith('.crt')))
        cpSync(join(localCas, f), join(ctx, 'ca', f));
    }
    writeFileSync(
      join(ctx, 'Containerfile'),
      [
        `FROM ${runtime}`,
        'COPY ca/ /usr/local/share/ca-certificates/',
        'RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \\',
        ' && update-ca-certificates && rm -rf /var/lib/apt/lists/*',
        'ENV npm_config_nodedir=/usr/local NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
        '',
      ].join('\n'),
    );
    say(`building ${build}`);
    run('podman', ['build', '--format', 'docker', '-t', build, ctx], { env: p.env });
    return { runtime, build, podman: p };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Builds HUB_IMAGE (and :latest); returns the podman settings that work here. */
export async function buildHubImage(): Promise<Podman> {
  let bases: { runtime: string; build: string };
  let p: Podman;
  if (pullOfficial()) {
    bases = OFFICIAL;
    const probe = findPodman(OFFICIAL.runtime);
    if (!('env' in probe)) throw new Error(probe.reason);
    p = probe;
  } else {
    const local = await localBases();
    bases = local;
    p = local.podman;
  }
  say(`building ${HUB_IMAGE} from ${bases.build} and ${bases.runtime} (${p.note})`);
  run(
    'podman',
    [
      'build',
      '--format',
      'docker',
      '-f',
      'hub/deploy/Containerfile',
      '--build-arg',
      `BUILD_IMAGE=${bases.build}`,
      '--build-arg',
      `NODE_IMAGE=${bases.runtime}`,
      '-t',
      HUB_IMAGE,
      '-t',
      'localhost/outpost-hub:latest',
      '.',
    ],
    { cwd: ROOT, env: p.env },
  );
  return p;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const command = process.argv[2];
  if (command !== 'build') {
    process.stderr.write('usage: node --import tsx scripts/container.ts build\n');
    process.exit(2);
  }
  const started = Date.now();
  buildHubImage()
    .then(() => say(`built ${HUB_IMAGE} in ${Math.round((Date.now() - started) / 1000)} s`))
    .catch((err: Error) => {
      process.stderr.write(`container: ${err.message}\n`);
      process.exit(1);
    });
}
