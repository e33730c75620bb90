import type { INestApplication } from '@nestjs/common';
import express from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The console's own files (apps/api/console-ui): beside the sources, or,
 * from the build in dist/, in the repository the build came from.
 */
export function consoleUiDir(): string {
  const candidates = [
    join(__dirname, '../../console-ui'),
    join(__dirname, '../../../../../apps/api/console-ui'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

/** The French State Design System, served from the installed package: no copy, no build step. */
export function dsfrDir(): string {
  return join(dirname(require.resolve('@gouvfr/dsfr/package.json')), 'dist');
}

/** Static files of the console: its scripts and styles, and the Design System's CSS, JS, fonts and icons. */
export function serveConsoleAssets(app: INestApplication): void {
  const options = { index: false, redirect: false, maxAge: '1h', fallthrough: true } as const;
  app.use('/console/dsfr', express.static(dsfrDir(), options));
  app.use('/console/assets', express.static(consoleUiDir(), options));
}
