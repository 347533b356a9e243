// Drives a running Arca with Tencent's official Node.js SDK (cos-nodejs-sdk-v5).
// Environment: ARCA_PORT, ARCA_DOMAIN, ARCA_AK, ARCA_SK, ARCA_BUCKET.
// Prints "ok <step>" per step; exits non-zero on the first failure.
const COS = require('cos-nodejs-sdk-v5');
const dns = require('dns');
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');

const port = process.env.ARCA_PORT, domain = process.env.ARCA_DOMAIN;
// Every name under the test domain is the local server.
const lookup = dns.lookup;
dns.lookup = (host, opts, cb) => {
  if (typeof opts === 'function') { cb = opts; opts = {}; }
  if (host === domain || host.endsWith('.' + domain)) {
    return opts && opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
  }
  return lookup(host, opts, cb);
};

const cos = new COS({
  SecretId: process.env.ARCA_AK, SecretKey: process.env.ARCA_SK,
  Domain: `{Bucket}.${domain}:${port}`, ServiceDomain: `${domain}:${port}`, Protocol: 'http:',
});
const Bucket = process.env.ARCA_BUCKET, Region = 'ap-guangzhou';
const call = (fn, args) => new Promise((res, rej) => cos[fn]({ Bucket, Region, ...args }, (e, d) => e ? rej(new Error(fn + ': ' + JSON.stringify(e))) : res(d)));
const must = (cond, what) => { if (!cond) throw new Error('check failed: ' + what); };
const ok = (step) => console.log('ok ' + step);

function fetch(url, method, body) {
  return new Promise((res, rej) => {
    const u = new URL(url);
    const req = http.request({ host: '127.0.0.1', port: u.port, path: u.pathname + u.search, method, headers: { Host: u.host } }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', rej);
    if (body) req.write(body);
    req.end();
  });
}

(async () => {
  const key = 'dir/hello world+(1)!.txt';
  await call('putBucket', {}); ok('putBucket');
  let r = await call('putObject', { Key: key, Body: 'hello node', ContentType: 'text/plain', Headers: { 'x-cos-meta-color': 'blue' } });
  must(r.ETag === '"cc19195cfeb277929fee772a8efce9f9"', 'put etag ' + r.ETag); ok('putObject');
  r = await call('getObject', { Key: key });
  must(r.Body.toString() === 'hello node', 'get body'); must(r.headers['x-cos-meta-color'] === 'blue', 'meta'); ok('getObject');
  r = await call('getObject', { Key: key, Range: 'bytes=6-9' });
  must(r.Body.toString() === 'node', 'range body ' + r.Body); ok('getObject range');
  r = await call('headObject', { Key: key });
  must(r.headers['x-cos-hash-crc64ecma'] === '17948222975163959243', 'crc ' + r.headers['x-cos-hash-crc64ecma']); ok('headObject');
  r = await call('getBucket', { Prefix: 'dir/', Delimiter: '/' });
  must(r.Contents.length === 1 && r.Contents[0].Key === key, 'list'); ok('getBucket');
  const file = path.join(os.tmpdir(), 'arca-node-' + process.pid + '.bin');
  fs.writeFileSync(file, Buffer.alloc(3 * 1024 * 1024 + 17, 'z'));
  r = await call('sliceUploadFile', { Key: 'big.bin', FilePath: file, SliceSize: 1024 * 1024 });
  must(/-4"$/.test(r.ETag), 'multipart etag ' + r.ETag); ok('sliceUploadFile');
  r = await call('headObject', { Key: 'big.bin' });
  must(r.headers['content-length'] === String(3 * 1024 * 1024 + 17), 'big size'); ok('headObject big');
  fs.unlinkSync(file);
  r = await call('putObjectCopy', { Key: 'copy.txt', CopySource: `${Bucket}.cos.${Region}.myqcloud.com/${encodeURIComponent(key).replace(/%2F/g, '/')}` });
  must(r.ETag === '"cc19195cfeb277929fee772a8efce9f9"', 'copy etag'); ok('putObjectCopy');
  await call('putObjectAcl', { Key: 'copy.txt', ACL: 'public-read' });
  r = await call('getObjectAcl', { Key: 'copy.txt' });
  must(r.ACL === 'public-read', 'acl ' + r.ACL); ok('object ACL');
  await call('putBucketCors', { CORSRules: [{ AllowedOrigin: ['*'], AllowedMethod: ['GET', 'POST'], AllowedHeader: ['*'], ExposeHeader: ['ETag'], MaxAgeSeconds: 60 }] });
  r = await call('getBucketCors', {});
  must(r.CORSRules.length === 1, 'cors'); ok('bucket CORS');
  await call('appendObject', { Key: 'app.log', Position: 0, Body: 'a' });
  r = await call('appendObject', { Key: 'app.log', Position: 1, Body: 'bc' });
  r = await call('getObject', { Key: 'app.log' });
  must(r.Body.toString() === 'abc', 'append body'); ok('appendObject');
  // Pre-signed URLs, used by a plain HTTP client as the COS document's Node sample does.
  const put = cos.getObjectUrl({ Bucket, Region, Key: 'pre/up load.txt', Method: 'PUT', Sign: true, Expires: 60 }, () => {});
  let h = await fetch(put, 'PUT', 'presigned body');
  must(h.status === 200, 'presigned PUT ' + h.status + ' ' + h.body); ok('presigned PUT');
  const get = cos.getObjectUrl({ Bucket, Region, Key: 'pre/up load.txt', Sign: true, Expires: 60 }, () => {});
  h = await fetch(get, 'GET');
  must(h.status === 200 && h.body === 'presigned body', 'presigned GET ' + h.status); ok('presigned GET');
  await call('putBucketVersioning', { VersioningConfiguration: { Status: 'Enabled' } });
  await call('putObject', { Key: 'v.txt', Body: 'v1' });
  await call('putObject', { Key: 'v.txt', Body: 'v2' });
  r = await call('listObjectVersions', { Prefix: 'v.txt' });
  must(r.Versions.length === 2 && r.Versions[0].IsLatest === 'true', 'versions ' + JSON.stringify(r.Versions)); ok('versions');
  r = await call('deleteObject', { Key: 'v.txt' });
  must(r.headers['x-cos-delete-marker'] === 'true', 'delete marker'); ok('delete marker');
  r = await call('deleteMultipleObject', { Objects: [{ Key: 'copy.txt' }, { Key: 'big.bin' }] });
  must(r.Deleted.length === 2, 'multi delete'); ok('deleteMultipleObject');
  r = await new Promise((res, rej) => cos.getService({}, (e, d) => e ? rej(e) : res(d)));
  must(r.Buckets.some((b) => b.Name === Bucket), 'service'); ok('getService');
})().catch((e) => { console.error(e.message || e); process.exit(1); });
