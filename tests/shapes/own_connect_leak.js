// The class's own connect returns a fresh checkout: the caller owns that
// client, and query() never releases it.
const { Pool } = require('pg');

class Db {
  constructor() {
    this.pool = new Pool();
  }

  connect() {
    return this.pool.connect();
  }

  async query(sql, params) {
    const client = await this.connect();
    return client.query(sql, params);
  }
}

module.exports = { Db };
