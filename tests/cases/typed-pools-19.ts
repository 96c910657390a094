// expect: clean
import * as pg from 'pg';
let p: pg.Client;
export async function f() {
  const c = await p.connect();
  await c.foo();
}
