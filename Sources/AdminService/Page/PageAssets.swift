/// The page's style sheet and script, served by the admin listener itself (the CSP lets
/// the page load nothing else). The script only helps: every form works without it.
enum PageAssets {
    static let css = """
        :root { color-scheme: light dark; --line: #8884; --ok: #1a7f37; --bad: #cf222e; }
        body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 0 1rem 3rem; }
        header { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid var(--line); }
        h1 { font-size: 1.3rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        form.inline { display: inline; }
        fieldset { border: 1px solid var(--line); margin: 1rem 0; }
        label { display: inline-block; margin: .2rem 1rem .2rem 0; }
        input, select, button { font: inherit; }
        pre { overflow-x: auto; font-size: 13px; background: #8881; padding: .5rem; }
        .ok { color: var(--ok); } .bad { color: var(--bad); }
        .notice { border-left: 4px solid var(--ok); padding: .4rem .8rem; background: #1a7f3711; }
        .problem { border-left: 4px solid var(--bad); padding: .4rem .8rem; background: #cf222e11; }
        .muted { opacity: .7; font-size: 90%; }
        """

    /// Asks before a removal, and shows that a slow form (verify) is on its way.
    static let js = """
        "use strict";
        document.addEventListener("submit", function (event) {
          var form = event.target;
          if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
          var button = form.querySelector("button[data-busy]");
          if (button) { button.disabled = true; button.textContent = button.dataset.busy; }
        });
        """
}
