/**
 * The offline validators of scripts/validate-deploy.sh (kubernetes-validate --strict on the
 * rendered base for two Kubernetes versions, check-jsonschema with the compose-spec schema) pass
 * on deploy/ and fail on deliberately broken copies of it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/deploy-emulation.js';

const venv = process.env.DFS_VALIDATORS_VENV ?? join(REPO_ROOT, '.cache', 'deploy-venv');
const installed =
  existsSync(join(venv, 'bin', 'kubernetes-validate')) && existsSync(join(venv, 'bin', 'check-jsonschema'));
const required = Boolean(process.env.CI || process.env.DFS_REQUIRE_INFRA);

const validate = (...args: string[]) =>
  spawnSync('bash', [join(REPO_ROOT, 'scripts', 'validate-deploy.sh'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

function suite(): void {
  const scratch = mkdtempSync(join(tmpdir(), 'dfs-deploy-broken-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('deploy/k8s (rendered) and deploy/docker-compose.yml pass', () => {
    const r = validate();
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/kubernetes 1\.30\.0: \d+ resources valid/);
    expect(r.stdout).toMatch(/kubernetes 1\.37\.0: \d+ resources valid/);
  });

  it('a Deployment with a misspelt securityContext field fails kubernetes-validate --strict', () => {
    const dir = join(scratch, 'k8s');
    cpSync(join(REPO_ROOT, 'deploy', 'k8s'), dir, { recursive: true });
    const file = join(dir, 'risk.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesytem: true'),
    );
    const r = validate(dir);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("'readOnlyRootFilesytem' was unexpected");
  });

  it('a compose service with an unknown key fails the compose-spec schema', () => {
    const file = join(scratch, 'docker-compose.yml');
    writeFileSync(
      file,
      readFileSync(join(REPO_ROOT, 'deploy', 'docker-compose.yml'), 'utf8').replace(
        '  mongo:\n    image: mongo:7',
        '  mongo:\n    images: mongo:7',
      ),
    );
    const r = validate(join(REPO_ROOT, 'deploy', 'k8s'), file);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('images');
  });
}

if (installed) describe('deploy/ validates offline', suite);
else if (required) {
  describe('deploy/ validates offline', () => {
    it('needs the validators (CI or DFS_REQUIRE_INFRA is set, so this suite may not skip)', () => {
      throw new Error('validators missing: run bash scripts/validate-deploy.sh install');
    });
  });
} else {
  console.warn('[deploy] SKIPPED validators: run bash scripts/validate-deploy.sh install');
  describe.skip('deploy/ validates offline [skipped: validators not installed]', suite);
}
