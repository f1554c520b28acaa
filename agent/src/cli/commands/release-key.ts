import { releaseKeyId, releasePublicKey } from '@outpost/protocol';
import { Command } from 'commander';
import { loadSettings } from '../../config.js';
import { requireIdentity, writeIdentity } from '../../identity.js';

interface ReleaseKeyOptions {
  data?: string;
  config?: string;
  set?: string;
  replace?: boolean;
}

/** `outpost-agent release-key [--set KEY [--replace]]`: shows or pins the key that signs upgrades. */
export function releaseKeyCommand(): Command {
  return new Command('release-key')
    .description(
      'show the release key pinned in this agent, or pin one (fleet upgrades must be signed with it)',
    )
    .option('--data <dir>', 'data directory (default: /var/lib/outpost-agent when it exists, else ./data)')
    .option('--config <file>', 'settings file')
    .option('--set <key>', 'pin this key: 44 base64 characters, as `outpost-hub release keygen` prints')
    .option('--replace', 'with --set: replace a key already pinned (after the release key was changed)')
    .addHelpText(
      'after',
      '\nAgents enrolled with a hub that has a release key pin it at enrollment; use --set for agents enrolled\nbefore, and --set --replace when the release manager has changed the key. Stop the agent first: it reads\nthe key when it starts.',
    )
    .action((opts: ReleaseKeyOptions) => {
      try {
        const settings = loadSettings(opts);
        const identity = requireIdentity(settings.dataDir);
        if (opts.set === undefined) {
          process.stdout.write(
            identity.release_key
              ? `${identity.release_key}  (key ${releaseKeyId(identity.release_key)})\n`
              : 'no release key pinned: upgrades from the hub are refused (pin one with --set KEY)\n',
          );
          return;
        }
        const key = opts.set.trim();
        releasePublicKey(key);
        if (identity.release_key && identity.release_key !== key && !opts.replace)
          throw new Error(
            `key ${releaseKeyId(identity.release_key)} is already pinned; add --replace to replace it with ${releaseKeyId(key)}`,
          );
        writeIdentity(settings.dataDir, { ...identity, release_key: key });
        process.stdout.write(`release key ${releaseKeyId(key)} pinned in ${settings.dataDir}\n`);
      } catch (err) {
        process.stderr.write(`outpost-agent release-key: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
