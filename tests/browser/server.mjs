// A static file server for the built site, on 127.0.0.1 and a free port: directories serve
// index.html, missing paths serve 404.html with status 404, as a static host would.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".mjs": "text/javascript", ".js": "text/javascript", ".svg": "image/svg+xml", ".xml": "application/xml", ".json": "application/json",
  ".ics": "text/calendar; charset=utf-8", ".bib": "application/x-bibtex; charset=utf-8",
  ".ris": "application/x-research-info-systems", ".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
};

export function serve(root) {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let file = path.join(base, decodeURIComponent(url.pathname));
    if (!file.startsWith(base)) file = path.join(base, "404.html");
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    const found = fs.existsSync(file);
    const body = fs.readFileSync(found ? file : path.join(base, "404.html"));
    res.writeHead(found ? 200 : 404, { "content-type": TYPES[found ? path.extname(file) : ".html"] ?? "application/octet-stream" });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  })));
}
