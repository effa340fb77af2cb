// matcalc's local page: sends the form to POST /api/derive (and /api/variables) as you type,
// typesets the answer with the bundled KaTeX. No other network access.
"use strict";

// The examples keep the layout chosen above (numerator unless changed, as everywhere); an
// example sets the declarations it needs (a bias b is a vector: b alone is a scalar).
const EXAMPLES = [
  { expr: "W x + b", wrt: "x", decls: "b: vector" },
  { expr: "x' A x", wrt: "x" },
  { expr: "log(det(X))", wrt: "X" },
  { expr: "Y = A X + B; f(Y)", wrt: "X" },
  { expr: "norm2(A x - b)^2", wrt: "x", decls: "b: vector" },
  { expr: "sum(softmax(x) .* y)", wrt: "x" },
  { expr: "tr(X' A X)", wrt: "X" },
  { expr: "inv(X)", wrt: "X" },
  { expr: "max(0, dot(w, x) + b)", wrt: "w" },
  { expr: "h = tanh(W x + b); sum((h - y).^2)", wrt: "W", decls: "b: vector" },
];

const LAYOUT_NOTES = {
  numerator: "numerator layout (the default, as on the command line and in Python): the " +
             "Jacobian; a scalar by a vector is a row",
  denominator: "denominator layout: the transpose of the Jacobian; a gradient has the shape " +
               "of its variable",
};

// The shareable link: these fields (and the checked options) live in the URL's fragment, which
// never reaches a server: #expr=...&wrt=...&layout=...&vars=...&with=hessian,steps
const LINKED_OPTIONS = ["hessian", "steps", "differential", "check"];

const $ = (id) => document.getElementById(id);
let sequence = 0;
let timer = null;
let last = null;

function declarations() {
  const vars = {};
  const lines = $("decls").value.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const at = line.indexOf(":");
    if (at <= 0 || !line.slice(at + 1).trim()) {
      throw new Error(`declaration line ${i + 1}: expected NAME: KIND (e.g. W: matrix(m,n)), ` +
                      `got ${JSON.stringify(line)}`);
    }
    vars[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return vars;
}

function request() {
  return {
    expr: $("expr").value, wrt: $("wrt").value.trim(), vars: declarations(),
    layout: chosenLayout(),
    hessian: $("hessian").checked, steps: $("steps").checked,
    differential: $("differential").checked, check: $("check").checked,
    code: $("code").checked ? $("backend").value : null,
  };
}

function chosenLayout() {
  return document.querySelector("input[name=layout]:checked").value;
}

function linkState() {
  const state = new URLSearchParams();
  state.set("expr", $("expr").value);
  state.set("wrt", $("wrt").value);
  state.set("layout", chosenLayout());
  if ($("decls").value.trim()) state.set("vars", $("decls").value);
  const options = LINKED_OPTIONS.filter((id) => $(id).checked);
  if (options.length) state.set("with", options.join(","));
  return state;
}

function updateLink() {
  const url = new URL(window.location.href);
  url.hash = linkState().toString();
  history.replaceState(null, "", url);
}

function restoreLink() {
  const state = new URLSearchParams(window.location.hash.slice(1));
  if (!state.has("expr")) return;
  $("expr").value = state.get("expr");
  $("wrt").value = state.get("wrt") || "";
  $("decls").value = state.get("vars") || "";
  for (const input of document.querySelectorAll("input[name=layout]")) {
    if (input.value === state.get("layout")) input.checked = true;
  }
  const options = (state.get("with") || "").split(",");
  for (const id of LINKED_OPTIONS) $(id).checked = options.includes(id);
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  let answer;
  try {
    answer = await response.json();
  } catch (err) {
    answer = { error: { kind: "HTTPError", message: `HTTP ${response.status}` } };
  }
  return answer;
}

function typeset(latex, element) {
  if (window.katex) {
    // (strict "ignore": the steps' notes are Unicode text such as ⇒ and ᵀ, drawn as they are)
    katex.render(latex, element, { displayMode: true, throwOnError: false, strict: "ignore" });
  } else {
    element.textContent = latex;
  }
}

function showVariables(variables) {
  const box = $("variables");
  box.textContent = "";
  const names = Object.keys(variables || {});
  if (!names.length) return;
  box.append("variables: ");
  for (const name of names) {
    const item = document.createElement("span");
    const b = document.createElement("b");
    b.textContent = name;
    item.append(b, ": " + variables[name]);
    item.title = "differentiate by " + name;
    item.className = "variable";
    item.addEventListener("click", () => { $("wrt").value = name; schedule(0); });
    box.append(item);
  }
}

// What the result is, from its size and the kinds of the expression and the variable
// (language.md, Results): numerator layout is the Jacobian, denominator its transpose.
function shapeText(result) {
  const { rows, cols, function: of } = result.shape;
  const size = `${rows} × ${cols}`;
  const by = (result.variables[result.wrt] || "").split("(")[0];
  const kind = of.split("(")[0];
  const numerator = result.layout === "numerator";
  if (result.order === 2) return `Hessian, ${size}`;
  if (kind === "scalar" && by === "scalar") return "a scalar";
  if (kind === "scalar") {
    if (!numerator) return `gradient, shape of ${result.wrt}: ${size}`;
    return by === "vector" ? `a row (the gradient transposed): ${size}`
      : `shape of ${result.wrt}ᵀ (the gradient transposed): ${size}`;
  }
  if (by === "scalar") {
    return numerator ? `shape of the expression: ${size}`
      : `shape of the expression transposed: ${size}`;
  }
  if (kind === "vector" && by === "vector") {
    return numerator ? `Jacobian, ${size}` : `Jacobian transposed, ${size}`;
  }
  return numerator ? `Jacobian of vec by vec (d vec F / d vec(${result.wrt})ᵀ), ${size}`
    : `Jacobian of vec by vec transposed, ${size}`;
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
  $("output-section").classList.toggle("stale", Boolean(message));
}

function section(id, show) {
  $(id).hidden = !show;
}

function showResult(result) {
  last = result;
  showError("");
  showVariables(result.variables);
  const by = result.wrt;
  $("title").textContent = result.order === 2
    ? `Hessian by ${by} (${result.layout} layout)`
    : `Derivative by ${by} (${result.layout} layout)`;
  $("layout-note").textContent = LAYOUT_NOTES[result.layout] || "";
  typeset(result.latex, $("result"));
  $("shape").textContent = `${result.layout} layout: ${shapeText(result)}`;
  $("text").textContent = result.text;
  const warnings = result.warnings || [];
  $("warnings").textContent = warnings.map((warning) => `note: ${warning}`).join("\n");
  $("warnings").hidden = !warnings.length;
  const conditions = result.conditions || [];
  $("conditions").textContent = conditions.length ? `holds when ${conditions.join("; and ")}` : "";
  $("conditions").hidden = !conditions.length;
  section("differential-out", Boolean(result.differential));
  if (result.differential) typeset(result.differential.latex, $("diff-math"));
  section("check-out", Boolean(result.check));
  if (result.check) $("check-line").textContent = result.check.line;
  section("steps-out", Boolean(result.steps));
  if (result.steps) {
    typeset(result.steps.latex, $("steps-math"));
    $("steps-text").textContent = result.steps.text;
  }
  section("code-out", Boolean(result.code));
  if (result.code) $("code-text").textContent = result.code.source;
}

async function run() {
  const mine = ++sequence;
  updateLink(); // (here, after the typing pause: browsers throttle rapid history updates)
  let body;
  try {
    body = request();
  } catch (err) {
    showError(err.message);
    return;
  }
  $("status").textContent = "working…";
  const variables = post("/api/variables", { expr: body.expr, vars: body.vars });
  const answer = body.wrt
    ? await post("/api/derive", body)
    : { error: { message: "choose the variable to differentiate by (the box 'by')" } };
  if (mine !== sequence) return; // a newer request is on its way
  $("status").textContent = "";
  if (answer.error) {
    showError(answer.error.message);
    const known = await variables;
    if (mine === sequence) showVariables(known.variables);
  } else {
    showResult(answer);
  }
}

function schedule(delay = 300) {
  clearTimeout(timer);
  timer = setTimeout(run, delay);
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (err) {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  const label = button.textContent;
  button.textContent = "copied";
  setTimeout(() => { button.textContent = label; }, 1200);
}

function cell(row, text, tag = "td") {
  const element = document.createElement(tag);
  element.textContent = text;
  row.append(element);
  return element;
}

// The syntax panel, from GET /api/syntax (the parser's operators, the function registry).
async function showSyntax() {
  const response = await fetch("/api/syntax");
  const { operators, functions } = await response.json();
  const table = $("syntax-operators").tBodies[0];
  for (const op of operators) {
    const row = table.insertRow();
    cell(row, op.spellings.join("  "), "th");
    cell(row, op.meaning);
    cell(row, op.example).className = "example";
  }
  for (const group of functions) {
    const line = document.createElement("p");
    const title = document.createElement("b");
    title.textContent = group.class + ": ";
    line.append(title);
    group.functions.forEach((f, i) => {
      const name = document.createElement("code");
      name.textContent = f.call;
      if (f.meaning) name.title = `${f.meaning}; e.g. ${f.example}`;
      line.append(i ? ", " : "", name);
    });
    $("syntax-functions").append(line);
  }
}

function setUp() {
  restoreLink();
  window.addEventListener("hashchange", () => { restoreLink(); schedule(0); });
  showSyntax();
  const examples = $("examples");
  for (const example of EXAMPLES) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = example.expr;
    button.title = `by ${example.wrt}` + (example.decls ? `, ${example.decls}` : "");
    button.addEventListener("click", () => {
      $("expr").value = example.expr;
      $("wrt").value = example.wrt;
      $("decls").value = example.decls || "";
      schedule(0);
    });
    examples.append(button);
  }
  for (const id of ["expr", "wrt", "decls"]) $(id).addEventListener("input", () => schedule());
  for (const input of document.querySelectorAll("input[type=checkbox], input[type=radio], select")) {
    input.addEventListener("change", () => schedule(0));
  }
  $("copy-latex").addEventListener("click", (e) => last && copy(last.latex, e.target));
  $("copy-ascii").addEventListener("click", (e) => last && copy(last.ascii, e.target));
  $("copy-link").addEventListener("click", (e) => copy(window.location.href, e.target));
  $("copy-steps").addEventListener("click", (e) => last && last.steps && copy(last.steps.latex, e.target));
  $("copy-code").addEventListener("click", (e) => last && last.code && copy(last.code.source, e.target));
  schedule(0);
}

document.addEventListener("DOMContentLoaded", setUp);
