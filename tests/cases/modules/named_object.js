const api = { put(c) { c.release(); }, look(c) { return c.query('x'); } };
module.exports = api;
