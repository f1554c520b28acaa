import { existsSync, writeFileSync } from 'node:fs';
import { releaseKeyId } from '@outpost/protocol';
import { Command } from 'commander';
import { newReleaseKey, readReleaseKey, signBundle } from '../../rollouts/signing.js';
import { exitOnError } from '../options.js';

/** Writes a new file with `mode`; never replaces one. */
function writeNew(file: string, text: string, mode: number): void {
  if (existsSync(file))
    throw new Error(`${file} exists; choose another name (a key or signature is never overwritten)`);
  writeFileSync(file, text, { mode, flag: 'wx' });
}

/**
 * `outpost-hub release keygen|sign`: the release key and signatures of agent bundles (hub/README.md, "Fleet
 * upgrades"). Run them where the private key lives, not on the hub.
 */
export function releaseCommand(): Command {
  const cmd = new Command('release').description(
    'sign agent releases for fleet upgrades (run on the release machine, where the private key lives)',
  );
  cmd.addCommand(
    new Command('keygen')
      .description('create an Ed25519 release key: the private key to a file (0600), the public key printed')
      .requiredOption(
        '--out <file>',
        'where to write the private key (PEM); keep it offline, never on the hub',
      )
      .action((opts: { out: string }) => {
        try {
          const { privatePem, publicKey } = newReleaseKey();
          writeNew(opts.out, privatePem, 0o600);
          process.stdout.write(
            `${publicKey}\n\nPrivate key written to ${opts.out} (mode 0600). Public key (id ${releaseKeyId(publicKey)}) above:\n` +
              `set it on the hub as releasePublicKey (OUTPOST_RELEASE_PUBLIC_KEY=${publicKey}); agents enrolled\n` +
              'from then on pin it. Sign each bundle with: outpost-hub release sign --key KEY BUNDLE.tgz\n',
          );
        } catch (err) {
          exitOnError(err);
        }
      }),
  );
  cmd.addCommand(
    new Command('sign')
      .description('sign an agent bundle (from agent/deploy/build.mjs --release): writes BUNDLE.sig')
      .argument('<bundle>', 'the .tgz')
      .requiredOption('--key <file>', 'the private release key (PEM, from release keygen)')
      .option('--out <file>', 'where to write the signature (default: <bundle>.sig)')
      .action(async (bundle: string, opts: { key: string; out?: string }) => {
        try {
          const key = readReleaseKey(opts.key);
          const signed = await signBundle(bundle, key, Date.now());
          const out = opts.out ?? `${bundle}.sig`;
          writeNew(out, `${JSON.stringify(signed, null, 2)}\n`, 0o644);
          const s = JSON.parse(signed.statement) as { version: string; sha256: string; size: number };
          process.stdout.write(
            `signed ${bundle}: version ${s.version}, ${s.size} bytes, SHA-256 ${s.sha256}, key ${signed.key_id}\n` +
              `signature: ${out}\nupload both to the hub: Agents & sites > Upgrades, or\n` +
              `  curl -H "Authorization: Bearer $TOKEN" -F bundle=@${bundle} -F signature=@${out} https://HUB/api/v1/agent-releases\n`,
          );
        } catch (err) {
          exitOnError(err);
        }
      }),
  );
  return cmd;
}
