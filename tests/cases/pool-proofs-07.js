// expect: clean
async function f(broker) {
  const c = await broker.connect();
  return wrap(c);
}
