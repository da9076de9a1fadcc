/// The dashboard's page, script and style, inside the binary: nothing is read from disk or fetched from
/// elsewhere, and no path outside these three is ever served.
enum DashboardAssets {
    struct Asset: Sendable {
        let path: String
        let snapshot: Snapshot
    }

    static let all: [Asset] = [
        Asset(path: "/", snapshot: Snapshot(body: Array(page.utf8), type: "text/html; charset=utf-8")),
        Asset(path: "/app.js", snapshot: Snapshot(body: Array(DashboardScript.source.utf8), type: "text/javascript; charset=utf-8")),
        Asset(path: "/style.css", snapshot: Snapshot(body: Array(DashboardStyle.source.utf8), type: "text/css; charset=utf-8")),
    ]

    static let page = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>farm</title>
        <link rel="stylesheet" href="/style.css">
        <script src="/app.js" defer></script>
        </head>
        <body>
        <header>
          <h1>farm</h1>
          <span id="database"></span>
          <label>sweep <select id="sweep"></select></label>
          <span id="updated" class="muted"></span>
        </header>
        <nav id="tabs">
          <button data-tab="overview" class="active">Overview</button>
          <button data-tab="failures">Failures</button>
          <button data-tab="coverage">Coverage</button>
          <button data-tab="results">Results</button>
          <button data-tab="attempts">Attempts</button>
        </nav>
        <div id="banner" class="banner" hidden></div>
        <main>
          <section id="overview">
            <div id="counts" class="cards"></div>
            <div id="progress" class="progress"></div>
            <p id="pace"></p>
            <p id="lease" class="muted"></p>
            <p id="slots" class="muted"></p>
            <div id="search" hidden>
              <h2>Early stopping</h2>
              <p id="search-note" class="muted"></p>
              <table id="rungs"></table>
              <h2>Best so far</h2>
              <table id="best"></table>
            </div>
            <h2>Running now</h2>
            <table id="running"></table>
          </section>
          <section id="failures" hidden>
            <p id="failures-note" class="muted"></p>
            <div id="causes"></div>
          </section>
          <section id="coverage" hidden>
            <div class="controls">
              <label>rows <select id="cov-a"></select></label>
              <label>columns <select id="cov-b"></select></label>
            </div>
            <table id="grid" class="grid"></table>
          </section>
          <section id="results" hidden>
            <div class="controls">
              <label>chart <select id="chart-kind"><option>line</option><option>scatter</option><option>heatmap</option></select></label>
              <label>x <select id="chart-x"></select></label>
              <label>y <select id="chart-y"></select></label>
              <label>series <select id="chart-series"></select></label>
              <label>colour (heatmap) <select id="chart-z"></select></label>
              <button id="curves" hidden>learning curves</button>
            </div>
            <p id="chart-error" class="banner" hidden></p>
            <img id="chart" alt="chart of the chosen columns">
            <h2>Replicate summary</h2>
            <div class="controls">
              <label>metric <select id="res-metric"></select></label>
              <span class="muted" id="res-note"></span>
              <span class="muted">click a column to sort</span>
            </div>
            <div class="scroll"><table id="summary" class="sortable"></table></div>
          </section>
          <section id="attempts" hidden>
            <table id="usage"></table>
          </section>
        </main>
        </body>
        </html>

        """
}
