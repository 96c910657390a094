// an object literal of the same file: shorthand, pair, method, nested
// expect: leak line 21 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
function releaseIt(c) { c.release(); }
function look(c) { return c.query('x'); }
const api = { releaseIt, look, other: { r: releaseIt }, m(c) { c.release(); } };
async function f() {
  const c = await pool.connect();
  api.releaseIt(c);
}
async function g() {
  const c = await pool.connect();
  api.other.r(c);
}
async function h() {
  const c = await pool.connect();
  api.m(c);
}
async function k() {
  const c = await pool.connect();
  api.look(c);
}
