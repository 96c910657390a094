// a tsconfig paths alias (through extends, JSONC) names the pool module
// path: app/src/routes/a.ts
// expect: leak line 6 kind never-released
import { pool } from '@/lib/db';
export async function f() {
  const c = await pool.connect();
  await c.foo();
}
