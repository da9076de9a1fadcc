/// The dashboard's style sheet: plain CSS, light and dark by the system's choice.
enum DashboardStyle {
    static let source = """
        :root { --fg: #1d2430; --bg: #fbfbfc; --muted: #6b7280; --line: #d9dde3; --card: #fff;
                --done: #2f9e44; --failed: #e03131; --pruned: #868e96; --running: #1c7ed6; --pending: #ced4da; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e9ecef; --bg: #16181d; --muted: #9aa1ab; --line: #343a40; --card: #1f2228; --pending: #495057; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
        header { display: flex; gap: 1.2em; align-items: baseline; padding: .8em 1.2em; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
        h1 { font-size: 1.2em; margin: 0; }
        h2 { font-size: 1.05em; margin: 1.4em 0 .5em; }
        nav { display: flex; gap: .3em; padding: .5em 1.2em; border-bottom: 1px solid var(--line); }
        nav button { border: 1px solid var(--line); background: var(--card); color: var(--fg); padding: .35em .9em; border-radius: 5px; cursor: pointer; }
        nav button.active { border-color: var(--running); color: var(--running); }
        main { padding: 1em 1.2em 3em; }
        .muted { color: var(--muted); }
        .banner { background: #fff3bf; color: #5c3c00; border: 1px solid #f59f00; padding: .6em 1em; margin: .8em 1.2em; border-radius: 5px; }
        .cards { display: flex; gap: .8em; flex-wrap: wrap; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .6em 1em; min-width: 7.5em; }
        .card b { display: block; font-size: 1.6em; font-variant-numeric: tabular-nums; }
        .card.done b { color: var(--done); } .card.failed b { color: var(--failed); } .card.pruned b { color: var(--pruned); }
        .card.running b { color: var(--running); }
        .progress { display: flex; height: 12px; border-radius: 6px; overflow: hidden; background: var(--pending); margin: 1em 0 .6em; max-width: 60em; }
        .progress span { display: block; height: 100%; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid var(--line); padding: .3em .7em; text-align: left; vertical-align: top; }
        th { font-weight: 600; }
        table.sortable th { cursor: pointer; user-select: none; }
        td.num, th.num { text-align: right; }
        .grid td { text-align: center; min-width: 3.2em; color: #111; }
        details { background: var(--card); border: 1px solid var(--line); border-radius: 6px; margin: .5em 0; padding: .4em .8em; }
        summary { cursor: pointer; }
        pre { white-space: pre-wrap; word-break: break-all; background: var(--bg); border: 1px solid var(--line); padding: .5em; max-height: 20em; overflow: auto; }
        .controls { display: flex; gap: 1em; flex-wrap: wrap; margin: .5em 0 1em; align-items: center; }
        select { background: var(--card); color: var(--fg); border: 1px solid var(--line); padding: .2em; }
        .scroll { max-height: 32em; overflow: auto; display: inline-block; border: 1px solid var(--line); }
        .scroll th { position: sticky; top: 0; background: var(--card); }
        #chart { max-width: 100%; background: #fff; border: 1px solid var(--line); }

        """
}
