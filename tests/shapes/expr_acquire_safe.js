// A checkout inside an expression (semantics v2 §1): the caller's client is
// used when given, else one is checked out and released under the same test,
// written in place or kept in a local (`const shouldRelease = !client`).
import { Pool } from 'pg';
const pool = new Pool();

export async function insertUser(user, tx) {
  const client = tx || await pool.connect();
  try {
    return await client.query('INSERT INTO users (name) VALUES ($1)', [user.name]);
  } finally {
    if (!tx) client.release();
  }
}

export async function runIn(opts, sql) {
  const client = opts.client ? opts.client : await pool.connect();
  try {
    return await client.query(sql);
  } finally {
    if (!opts.client) client.release();
  }
}

export async function applyTransition(attendance, state, client = null) {
  const db = client || await pool.connect();
  const shouldRelease = !client;
  try {
    if (shouldRelease) await db.query('BEGIN');
    await db.query('UPDATE attendance SET state = $1 WHERE id = $2', [state, attendance.id]);
    if (shouldRelease) await db.query('COMMIT');
  } catch (err) {
    if (shouldRelease) await db.query('ROLLBACK');
    throw err;
  } finally {
    if (shouldRelease) db.release();
  }
}
