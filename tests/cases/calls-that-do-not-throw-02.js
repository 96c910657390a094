// crypto from require('crypto') is still the built-in module
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
const crypto = require('crypto');
async function f() {
  const c = await pool.connect();
  const id = crypto.randomUUID();
  try {
    await c.query('x', [id]);
  } finally {
    c.release();
  }
}
