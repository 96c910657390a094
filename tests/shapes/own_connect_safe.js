// The class's own connect (semantics v2 §4): it stores the client in the
// instance and returns it, so the runner owns it and releases it in end().
const { Pool } = require('pg');

class QueryRunner {
  constructor(pool) {
    this.pool = pool || new Pool();
    this.client = null;
  }

  async connect() {
    if (!this.client) this.client = await this.pool.connect();
    return this.client;
  }

  async query(sql, params) {
    const client = await this.connect();
    return client.query(sql, params);
  }

  async end() {
    if (this.client) this.client.release();
    this.client = null;
  }
}

module.exports = { QueryRunner };
