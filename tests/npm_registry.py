#!/usr/bin/env python3
"""tests/npm_registry.py DIR PORTFILE - a local npm registry for the tests.

Serves every npm tarball (*.tgz) in DIR the way registry.npmjs.org does:
GET /NAME (or /@scope%2fname) is the package document built from each
tarball's package.json, with dist.tarball, dist.integrity (sha512) and
dist.shasum computed from the file; GET /NAME/-/BASENAME-VERSION.tgz is the
tarball, at the same path as on npmjs.org (so a recipe's download URL works
by swapping the host).  Anything else is a 404.  The real npm client then
resolves versions, optionalDependencies and os/cpu, writes lock files and
runs install scripts exactly as against the public registry, without the
network.  It binds 127.0.0.1 on a free port, writes the port to PORTFILE
and serves until killed.
"""
import base64
import hashlib
import http.server
import json
import os
import sys
import tarfile
import urllib.parse


def load(folder):
    """(package documents by name, tarball paths by URL path)"""
    docs, files = {}, {}
    for f in sorted(os.listdir(folder)):
        if not f.endswith('.tgz'):
            continue
        path = os.path.join(folder, f)
        with open(path, 'rb') as fh:
            data = fh.read()
        with tarfile.open(path) as t:
            member = next(m for m in t.getmembers() if m.name.endswith('/package.json') and m.name.count('/') == 1)
            pkg = json.load(t.extractfile(member))
        name, version = pkg['name'], pkg['version']
        url_path = '/%s/-/%s-%s.tgz' % (name, name.split('/')[-1], version)
        files[url_path] = path
        pkg['dist'] = {
            'tarball': url_path,  # made absolute per request, with the Host asked for
            'integrity': 'sha512-' + base64.b64encode(hashlib.sha512(data).digest()).decode(),
            'shasum': hashlib.sha1(data).hexdigest(),
        }
        doc = docs.setdefault(name, {'name': name, 'versions': {}, 'dist-tags': {}})
        doc['versions'][version] = pkg
        doc['dist-tags']['latest'] = version
    return docs, files


class Handler(http.server.BaseHTTPRequestHandler):
    docs, files = {}, {}

    def log_message(self, *args):
        pass

    def reply(self, code, body, ctype):
        self.send_response(code)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path in self.files:
            with open(self.files[path], 'rb') as fh:
                return self.reply(200, fh.read(), 'application/octet-stream')
        doc = self.docs.get(path.lstrip('/'))
        if doc is None:
            return self.reply(404, b'{"error":"not found"}', 'application/json')
        base = 'http://' + self.headers.get('Host', '127.0.0.1')
        doc = json.loads(json.dumps(doc))
        for v in doc['versions'].values():
            v['dist']['tarball'] = base + v['dist']['tarball']
        self.reply(200, json.dumps(doc).encode(), 'application/json')

    def do_POST(self):  # audits and the like: not served
        self.reply(404, b'{"error":"not found"}', 'application/json')


def main():
    folder, portfile = sys.argv[1], sys.argv[2]
    Handler.docs, Handler.files = load(folder)
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    with open(portfile + '.tmp', 'w') as fh:
        fh.write(str(server.server_address[1]))
    os.rename(portfile + '.tmp', portfile)
    server.serve_forever()


if __name__ == '__main__':
    main()
