// The yardstick of bench/serve.sh: what an application developer would otherwise write, a
// node.js `http` server rendering the same template (and partial) with mustache.js.
//   node node_render.js PORT
const http = require('http');
const Mustache = require('mustache');
const template = 'Dear {{name}},\n{{#items}}- {{.}}\n{{/items}}Tone: {{tone}}.\n{{> signature}}';
const partials = {signature: 'Kind regards,\nThe team\n'};
Mustache.escape = text => text;  // as the prompt's own `escape: none`
Mustache.parse(template);
http.createServer((req, res) => {
  let body = '';
  req.on('data', chunk => body += chunk);
  req.on('end', () => {
    let variables;
    try {
      variables = JSON.parse(body).variables;
    } catch (e) {
      res.writeHead(400);
      res.end();
      return;
    }
    const content = Mustache.render(template, variables, partials);
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.end(JSON.stringify({name: 'letter', messages: [{role: 'user', content}]}));
  });
}).listen(Number(process.argv[2]), '127.0.0.1');
