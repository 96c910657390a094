// unknown receiver, used as a client
// expect: leak line 4 kind never-released
async function f(db) {
  const c = await db.connect();
  await c.query('x');
}
