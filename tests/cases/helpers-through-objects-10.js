// a parameter named like the module's object is another value (scope): not resolved, a hand-over
// expect: leak line 11 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
const api = { look(c) { return c.query('x'); } };
async function f(api) {
  const c = await pool.connect();
  api.look(c);
}
async function g() {
  const c = await pool.connect();
  api.look(c);
}
