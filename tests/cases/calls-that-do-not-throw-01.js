// built-ins with ordinary arguments (semantics v2 §5)
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  const t = new Date(Date.now());
  const k = Object.keys(Math.max(1, Number('2'), String(3).length, Boolean(0), Symbol('x')));
  const id = crypto.randomUUID(), ok = Array.isArray(k), g = f.bind(null);
  try {
    await c.query('x', [t, k, id, ok, g]);
  } finally {
    c.release();
  }
}
