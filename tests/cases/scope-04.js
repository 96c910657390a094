// expect: leak line 4 kind never-released
import db from './db';
async function f(x) {
  const c = await db.connect();
  await c.foo();
}
