// Helpers reached through an object literal of the same file (semantics v2
// §6): api.releaseClient(c) is the function it names, which releases.
import { Pool } from 'pg';
const pool = new Pool();

function releaseClient(client) {
  client.release();
}

const api = {
  releaseClient,
  tx: {
    async rollback(client) {
      await client.query('ROLLBACK').finally(() => client.release());
    },
  },
};

export async function countUsers() {
  const client = await pool.connect();
  try {
    return await client.query('SELECT count(*) FROM users');
  } finally {
    api.releaseClient(client);
  }
}

export async function abort() {
  const client = await pool.connect();
  await api.tx.rollback(client);
}
