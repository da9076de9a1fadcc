/// The dashboard's script: polls the JSON API every two seconds and redraws only what changed. Every value
/// from the database enters the page as text (DOM text nodes, never HTML), so job output that looks like
/// markup stays text.
enum DashboardScript {
    static let source = #"""
        "use strict";
        const POLL_MS = 2000;
        const S = { tab: "overview", sweep: null, sweeps: [], texts: {}, sort: { column: null, down: false }, done: 0, summary: null };
        const $ = (id) => document.getElementById(id);

        function el(tag, cls, ...children) {
          const node = document.createElement(tag);
          if (cls) node.className = cls;
          for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
          return node;
        }
        function row(cells, tag = "td") {
          const tr = el("tr");
          for (const c of cells) {
            const td = el(tag, typeof c === "number" ? "num" : "", typeof c === "number" ? fmt(c) : c);
            tr.append(td);
          }
          return tr;
        }
        function fmt(v) {
          if (v === null || v === undefined) return "–";
          if (typeof v !== "number") return String(v);
          if (Number.isInteger(v)) return String(v);
          return Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toPrecision(4) : v.toFixed(3);
        }
        function duration(s) {
          if (s === null || s === undefined) return "–";
          s = Math.max(0, Math.round(s));
          const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
          return h ? `${h}h ${m}m` : m ? `${m}m ${r}s` : `${r}s`;
        }
        function params(p) {
          if (p && typeof p === "object") return Object.entries(p).map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`).join(" ");
          return String(p ?? "");
        }
        function options(select, values, keep, blank) {
          const current = keep ?? select.value;
          select.replaceChildren(...(blank ? [el("option", "", "—")] : []), ...values.map((v) => el("option", "", v)));
          if (blank) select.firstChild.value = "";
          if ([...select.options].some((o) => o.value === current)) select.value = current;
        }
        function banner(text) {
          $("banner").hidden = !text;
          $("banner").textContent = text || "";
        }
        function query(extra) {
          const q = new URLSearchParams({ table: S.sweep || "" , ...extra });
          for (const [k, v] of [...q]) if (v === "" || v === undefined) q.delete(k);
          return q.toString();
        }

        // Fetches a document; `changed` is false when its text is what was drawn last time (nothing to redraw).
        async function load(name, path) {
          const response = await fetch(path, { cache: "no-cache", credentials: "same-origin" });
          const text = await response.text();
          if (response.status === 401) throw new Error("This page needs the dashboard's token: open the URL farmrun serve printed (…/?token=…).");
          let body;
          try { body = JSON.parse(text); } catch { body = { error: text }; }
          if (!response.ok) throw new Error(body.error || `${path}: HTTP ${response.status}`);
          const changed = S.texts[name] !== text;
          S.texts[name] = text;
          return { body, changed };
        }

        async function refresh() {
          try {
            const status = await load("status", "/api/status");
            if (status.changed) await drawStatus(status.body);
            const current = S.sweeps.find((s) => s.table === S.sweep);
            $("search").hidden = !(current && current.fidelity && S.tab === "overview");
            if (!$("search").hidden) { const d = await load("search:" + S.sweep, "/api/search?" + query()); if (d.changed) drawSearch(d.body); }
            if (S.tab === "failures") { const d = await load("failures:" + S.sweep, "/api/failures?" + query()); if (d.changed) drawFailures(d.body); }
            if (S.tab === "coverage") await refreshCoverage();
            if (S.tab === "results") await refreshResults();
            if (S.tab === "attempts") { const d = await load("attempts:" + S.sweep, "/api/attempts?" + query()); if (d.changed) drawAttempts(d.body); }
            banner("");
            $("updated").textContent = "updated " + new Date().toLocaleTimeString();
          } catch (error) {
            banner(error.message);
          }
        }

        async function drawStatus(doc) {
          $("database").textContent = doc.database;
          const tables = doc.sweeps.map((s) => s.table);
          if (tables.join() !== S.sweeps.map((s) => s.table).join()) {
            S.sweeps = (await load("sweeps", "/api/sweeps")).body.sweeps;
            options($("sweep"), tables, S.sweep);
            S.sweep = $("sweep").value || tables[0] || null;
            chooseColumns();
          }
          const sweep = doc.sweeps.find((s) => s.table === S.sweep);
          if (!sweep) { $("counts").replaceChildren(el("p", "muted", "No sweep in this database yet.")); return; }
          S.done = sweep.counts.done;
          const names = ["done", "failed", "pruned", "running", "pending"];
          $("counts").replaceChildren(...names.map((n) => {
            const card = el("div", "card " + n, el("b", "", sweep.counts[n] ?? 0), n);
            card.id = "count-" + n;
            return card;
          }), el("div", "card", el("b", "", sweep.total), "total"));
          $("progress").replaceChildren(...["done", "failed", "pruned", "running"].map((n) => {
            const bar = el("span");
            bar.style.width = (100 * (sweep.counts[n] ?? 0) / Math.max(sweep.total, 1)) + "%";
            bar.style.background = `var(--${n})`;
            bar.title = `${n}: ${sweep.counts[n] ?? 0}`;
            return bar;
          }));
          const percent = (100 * sweep.counts.done / Math.max(sweep.total, 1)).toFixed(1);
          $("pace").textContent = `${percent}% done · ` + (sweep.rate_per_minute ? `${fmt(sweep.rate_per_minute)} tasks/min · ETA ${duration(sweep.eta_seconds)}` : "no recent rate");
          const lease = doc.lease;
          $("lease").textContent = lease
            ? `lease held by ${lease.holder} on ${lease.host} (pid ${lease.pid}${lease.job_id ? ", Slurm job " + lease.job_id : ""}), heartbeat ${duration(doc.generated_at - lease.heartbeat_at)} ago`
              + (lease.deadline ? ` · allocation ends in ${duration(lease.deadline - doc.generated_at)} (${new Date(lease.deadline * 1000).toLocaleString()})` : "")
            : "lease free: no farmrun is coordinating this database";
          $("slots").textContent = (doc.hosts ?? []).map((h) =>
            `${h.host}: ${h.busy_cpus}/${h.cpus} CPUs busy` + (h.gpus > 0 ? `, ${fmt(h.busy_gpus)}/${h.gpus} GPUs busy` : "")).join(" · ");
          const running = $("running");
          running.replaceChildren(row(["task", "parameters", "host", "rank", "running for"], "th"),
            ...sweep.running.map((r) => row([r.task_id, params(r.parameters), r.host || "this machine", r.rank ?? "–", duration(doc.generated_at - r.started_at)])));
          if (S.tab === "results" && S.summary) drawChart();
        }

        function drawSearch(doc) {
          const c = doc.compute;
          $("search-note").textContent = `by ${doc.fidelity}${doc.metric ? `, ${doc.metric.goal} ${doc.metric.name}` : ""} · ${doc.running} trial(s) running · compute: ${fmt(c.spent)} ${doc.fidelity} reported, ${(c.full_fidelity ? c.spent / c.full_fidelity : 0).toFixed(2)} of every trial run to the end; the grid as separate runs: ${fmt(c.grid)}`
            + (doc.bad_reports ? ` · ${doc.bad_reports} bad report line(s)` : "");
          $("rungs").replaceChildren(row([doc.fidelity, "continued", "pruned"], "th"), ...doc.rungs.map((r) => row([r.value, r.continued, r.pruned])));
          $("best").replaceChildren(row([doc.metric ? doc.metric.name : "metric", `at ${doc.fidelity}`, "replicates", "configuration"], "th"),
            ...doc.best.map((b) => row([b.metric, b.reached, b.replicates, params(b.parameters)])));
        }

        function drawFailures(doc) {
          $("failures-note").textContent = doc.causes.length ? (doc.omitted ? `the most recent failures; ${doc.omitted} more not shown` : "") : "No failures.";
          $("causes").replaceChildren(...doc.causes.map((cause) => {
            const group = el("details", "cause", el("summary", "", `${cause.count} × ${cause.cause}`));
            for (const t of cause.tasks) {
              const what = t.signal ? `signal ${t.signal}` : t.exit_status !== null ? `exit ${t.exit_status}` : t.failure ?? "";
              const task = el("details", "task", el("summary", "", `task ${t.task_id} · ${params(t.parameters)} · replicate ${t.replicate} · ${t.state}, ${t.failure ?? ""} (${what}) · ${t.failures} failed attempt(s)${t.host ? " · " + t.host : ""}`));
              if (t.error) task.append(el("p", "", t.error));
              task.append(el("h3", "", "stderr (tail)"), el("pre", "stderr", t.stderr_tail ?? ""));
              if (t.stdout_head) task.append(el("h3", "", "stdout (head)"), el("pre", "stdout", t.stdout_head));
              if (t.command) task.append(el("h3", "", "reproduce"), el("pre", "command", t.command));
              group.append(task);
            }
            return group;
          }));
        }

        async function refreshCoverage() {
          const a = $("cov-a").value, b = $("cov-b").value;
          const d = await load("coverage:" + S.sweep + a + b, "/api/coverage?" + query({ by: [a, b].filter(Boolean).join(",") }));
          if (!d.changed) return;
          const doc = d.body, grid = $("grid");
          // Done: green, deeper as more of the cell is done; failures left: red; nothing done yet: grey.
          const shade = (c) => c.done + c.pruned >= c.total ? "hsl(130, 55%, 62%)" : c.failures > 0 ? "hsl(0, 70%, 78%)"
            : c.done === 0 ? "var(--pending)" : `hsl(130, 45%, ${88 - 20 * c.done / Math.max(c.total, 1)}%)`;
          if (doc.parameters.length === 1) {
            grid.replaceChildren(row([doc.parameters[0], "done/total", "pruned"], "th"), ...doc.cells.map((c) => {
              const tr = row([fmt(c.values[0]), `${c.done}/${c.total}`, c.pruned]);
              tr.children[1].style.background = shade(c);
              return tr;
            }));
            return;
          }
          const key = (v) => JSON.stringify(v);
          const rows = [...new Map(doc.cells.map((c) => [key(c.values[0]), c.values[0]])).values()];
          const columns = [...new Map(doc.cells.map((c) => [key(c.values[1]), c.values[1]])).values()];
          const sorter = (x, y) => (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)));
          rows.sort(sorter); columns.sort(sorter);
          const lookup = new Map(doc.cells.map((c) => [key(c.values), c]));
          grid.replaceChildren(row([`${doc.parameters[0]} \\ ${doc.parameters[1]}`, ...columns.map(fmt)], "th"), ...rows.map((r) => {
            const tr = el("tr", "", el("th", "", fmt(r)));
            for (const c of columns) {
              const cell = lookup.get(key([r, c]));
              const td = el("td", "", cell ? `${cell.done}/${cell.total}` : "");
              if (cell) { td.style.background = shade(cell); td.title = `${doc.parameters[0]}=${fmt(r)} ${doc.parameters[1]}=${fmt(c)}: ${cell.done} of ${cell.total} done, ${cell.pruned} pruned`; }
              tr.append(td);
            }
            return tr;
          }));
        }

        async function refreshResults() {
          const metric = $("res-metric").value;
          if (!metric) { $("res-note").textContent = "no results yet"; return; }
          const d = await load("results:" + S.sweep + metric, "/api/results?" + query({ metric }));
          if (d.changed) { S.summary = d.body; drawSummary(); }
          if (!$("chart").getAttribute("src")) drawChart();
        }

        function drawSummary() {
          const doc = S.summary;
          const heads = [...doc.group_columns, "n", "mean", "sd", "min", "median", "max"];
          const rows = doc.groups.map((g) => [...g.values, g.n, g.mean, g.sd, g.min, g.median, g.max]);
          if (S.sort.column !== null) {
            const i = S.sort.column, sign = S.sort.down ? -1 : 1;
            rows.sort((x, y) => sign * (typeof x[i] === "number" && typeof y[i] === "number" ? x[i] - y[i] : String(x[i]).localeCompare(String(y[i]))));
          }
          const header = row(heads.map((h, i) => h + (S.sort.column === i ? (S.sort.down ? " ▼" : " ▲") : "")), "th");
          [...header.children].forEach((th, i) => th.addEventListener("click", () => {
            S.sort = { column: i, down: S.sort.column === i ? !S.sort.down : false };
            drawSummary();
          }));
          $("summary").replaceChildren(header, ...rows.map((r) => row(r)));
          const shown = doc.configurations > doc.groups.length ? ` (the best ${doc.groups.length} shown)` : "";
          $("res-note").textContent = `${doc.configurations} configurations${shown}${doc.skipped_rows ? `, ${doc.skipped_rows} rows without a numeric ${doc.metric}` : ""}`;
        }

        function drawChart() {
          const kind = $("chart-kind").value;
          const choice = { kind, x: $("chart-x").value, y: $("chart-y").value, series: kind === "heatmap" ? "" : $("chart-series").value,
                           z: kind === "heatmap" ? $("chart-z").value : "", v: String(S.done) };
          const path = "/api/chart?" + query(choice);
          $("chart").dataset.path = path;
          $("chart").src = path;
        }

        async function chartFailed() {
          try { await load("chart-error", $("chart").dataset.path); } catch (error) {
            $("chart-error").hidden = false;
            $("chart-error").textContent = error.message;
          }
        }

        function drawAttempts(doc) {
          const mib = (k) => (k === null ? "–" : (k / 1024).toFixed(1));
          $("usage").replaceChildren(row(["outcome", "host", "attempts", "wall mean (s)", "wall max (s)", "CPU mean (s)", "CPU total (s)", "peak RSS (MiB)"], "th"),
            ...doc.groups.map((g) => row([g.outcome, g.host, g.attempts, g.wall_mean_seconds, g.wall_max_seconds, g.cpu_mean_seconds, g.cpu_total_seconds, mib(g.max_rss_kib)])));
        }

        function chooseColumns() {
          const sweep = S.sweeps.find((s) => s.table === S.sweep);
          if (!sweep) return;
          const p = sweep.parameters, m = sweep.metrics;
          const metric = sweep.metric?.name ?? m[0];
          options($("cov-a"), p, p[0]); options($("cov-b"), p, p[1] ?? "", true);
          options($("res-metric"), m, metric);
          options($("chart-x"), [...p, ...m], sweep.fidelity ?? p[0]);
          options($("chart-y"), [...m, ...p], metric);
          options($("chart-series"), p, p.find((n) => n !== (sweep.fidelity ?? p[0])) ?? "", true);
          options($("chart-z"), m, metric);
          $("curves").hidden = !sweep.fidelity;
          $("chart").removeAttribute("src");
          S.summary = null;
        }

        function show(tab) {
          S.tab = tab;
          for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === tab);
          for (const s of document.querySelectorAll("main section")) s.hidden = s.id !== tab;
          for (const k of Object.keys(S.texts)) if (k !== "status" && k !== "sweeps") delete S.texts[k];
          refresh();
        }

        document.addEventListener("DOMContentLoaded", () => {
          for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => { location.hash = b.dataset.tab; });
          window.addEventListener("hashchange", () => show(location.hash.slice(1) || "overview"));
          $("sweep").addEventListener("change", () => { S.sweep = $("sweep").value; S.texts = {}; chooseColumns(); refresh(); });
          for (const id of ["cov-a", "cov-b", "res-metric"]) $(id).addEventListener("change", refresh);
          for (const id of ["chart-kind", "chart-x", "chart-y", "chart-series", "chart-z"]) $(id).addEventListener("change", drawChart);
          $("curves").addEventListener("click", () => {
            const sweep = S.sweeps.find((s) => s.table === S.sweep);
            $("chart-kind").value = "line"; $("chart-x").value = sweep.fidelity; drawChart();
          });
          $("chart").addEventListener("load", () => { $("chart-error").hidden = true; });
          $("chart").addEventListener("error", chartFailed);
          show(location.hash.slice(1) || "overview");
          setInterval(refresh, POLL_MS);
        });

        """#
}
