import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { backupsAnswerSchema, restoreAnswerSchema, takenBackupSchema } from '../../common/backups.ts';
import type { AppEnv } from '../app-env.ts';
import { requireSession } from '../auth/session-middleware.ts';
import { companionOf } from '../companion-stub.ts';
import { errorAnswers, jsonAnswer, sessionErrors } from '../openapi/route-helpers.ts';

/** The person's encrypted snapshots (docs/backups.md): each is written and read by their own companion object. */
export const backupRoutes = new OpenAPIHono<AppEnv>();
for (const path of ['/me/backups', '/me/backups/*']) backupRoutes.use(path, requireSession());

const backupIdParam = z.object({ id: z.string().min(1).max(64) });

backupRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/me/backups',
    summary: 'The encrypted snapshots of this account, newest first',
    description:
      'When each was taken and its size; never its content. Snapshots are taken on a schedule (`BACKUP_INTERVAL_HOURS`) and the newest `BACKUP_KEEP` kept.',
    tags: ['backups'],
    responses: { 200: jsonAnswer(backupsAnswerSchema, 'The snapshots.'), ...errorAnswers(...sessionErrors, 'feature_not_configured') },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json({ backups: await companion.backups.list() }, 200);
  },
);

backupRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/me/backups',
    summary: 'Take a snapshot now',
    description:
      'Encrypts everything the account holds with its own key and stores it. When nothing changed since the newest snapshot, that one is answered and nothing new is stored (`stored: false`).',
    tags: ['backups'],
    responses: {
      201: jsonAnswer(takenBackupSchema, 'The snapshot holding the account as it is now.'),
      ...errorAnswers(...sessionErrors, 'import_in_progress', 'feature_not_configured'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.backups.take(), 201);
  },
);

backupRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/me/backups/{id}/restore',
    summary: "Replace the account's data with a snapshot",
    description:
      'The snapshot is read and checked whole first: a damaged one (`backup_unreadable`) or an unknown id (`backup_not_found`) changes nothing. ' +
      'Then a snapshot of the account as it is now is taken (`undoBackupId`, to undo this), the data is cleared — the account, its sign-in and ' +
      'its snapshots stay — and the snapshot is brought in like an import. If that fails, the account is put back as it was.',
    tags: ['backups'],
    request: { params: backupIdParam },
    responses: {
      200: jsonAnswer(restoreAnswerSchema, 'What the snapshot brought back, and the snapshot to undo it with.'),
      ...errorAnswers(...sessionErrors, 'validation_failed', 'backup_not_found', 'backup_unreadable', 'import_in_progress', 'feature_not_configured'),
    },
  }),
  async (context) => {
    const companion = await companionOf(context.env, context.get('account').id);
    return context.json(await companion.backups.restore(context.req.valid('param').id), 200);
  },
);
