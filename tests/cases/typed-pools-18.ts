// expect: leak line 5 kind never-released
import * as pg from 'pg';
let p: pg.Pool;
export async function f() {
  const c = await p.connect();
  await c.foo();
}
