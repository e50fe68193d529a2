// Progressive enhancement only: every page works without this file.
// Preview buttons fetch the rendered markdown instead of reloading the page.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("form[data-preview] button[value=preview]");
    if (!button || !window.fetch) return;
    var form = button.form;
    var body = form.querySelector("textarea[name=body]");
    var token = form.querySelector("input[name=_csrf]");
    if (!body || !token) return;
    ev.preventDefault();
    var data = new URLSearchParams();
    data.set("_csrf", token.value);
    data.set("body", body.value);
    fetch("/preview", { method: "POST", body: data, credentials: "same-origin" })
      // Over the preview budget the answer says how long to wait; it shows
      // in the preview's place and the composer stays as it is.
      .then(function (res) { if (!res.ok && res.status !== 429) throw new Error(res.status); return res.text(); })
      .then(function (html) {
        var box = form.querySelector(".preview");
        if (!box) {
          box = document.createElement("section");
          box.className = "preview";
          box.setAttribute("aria-live", "polite");
          form.querySelector(".actions").before(box);
        }
        // The server sanitized this HTML with the same policy as a stored post.
        box.innerHTML = html;
      })
      .catch(function () { form.requestSubmit ? form.requestSubmit(button) : form.submit(); });
  });
})();

// While a question's title is typed, show threads that may already answer
// it. Debounced, and only the newest answer is shown.
(function () {
  "use strict";
  var box = document.querySelector("[data-similar]");
  var title = document.getElementById("title");
  if (!box || !title || !window.fetch) return;
  var timer = null, latest = 0;
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = title.value.trim();
      var ticket = ++latest;
      if (text.length < 4) { box.innerHTML = ""; return; }
      fetch("/similar?title=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.text() : ""; })
        .then(function (html) {
          // The fragment is rendered by the server's templates, escaped.
          if (ticket === latest) box.innerHTML = html;
        })
        .catch(function () {});
    }, 350);
  });
})();

// Ask before deleting a post.
document.addEventListener("submit", function (ev) {
  var msg = ev.target.getAttribute && ev.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) ev.preventDefault();
});

// Drafts: text typed into a composer survives a reload or a lost
// connection. A draft is kept until the post it became is seen: a
// successful submit lands on a post's anchor (#p123); a refused one comes
// back as the form with the text in it, and keeps the draft.
//
// Drafts are the signed-in user's (the layout names them in data-user) and
// leave with them: signing out removes them, so the next person at a shared
// computer finds nothing. Drafts saved before they were per user, under
// hiroba:draft:…, could be anyone's and are removed.
(function () {
  "use strict";
  var store;
  try { store = window.localStorage; store.setItem("hiroba:t", "1"); store.removeItem("hiroba:t"); } catch (e) { return; }
  var user = document.body.getAttribute("data-user");
  var prefix = user ? "hiroba:u" + user + ":draft:" : null;

  function removeDrafts(own) {
    var doomed = [];
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k.indexOf("hiroba:draft:") === 0 || (own && k.indexOf(own) === 0)) doomed.push(k);
    }
    doomed.forEach(function (k) { store.removeItem(k); });
  }
  removeDrafts(null);
  document.addEventListener("submit", function (ev) {
    if (ev.target.hasAttribute && ev.target.hasAttribute("data-sign-out") && !ev.defaultPrevented) {
      removeDrafts(prefix);
      try { window.sessionStorage.removeItem("hiroba:submitted"); } catch (e) {}
    }
  });
  if (!prefix) return;

  var submitted = null;
  try { submitted = window.sessionStorage.getItem("hiroba:submitted"); window.sessionStorage.removeItem("hiroba:submitted"); } catch (e) {}
  if (submitted && /^#p\d+$/.test(window.location.hash)) store.removeItem(prefix + submitted);

  var forms = document.querySelectorAll("form[data-draft]");
  Array.prototype.forEach.call(forms, function (form) {
    var key = prefix + form.getAttribute("data-draft");
    var fields = form.querySelectorAll("textarea[name=body], input[name=title]");
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) {}
    // Only an empty form is refilled: text the server sent back wins.
    var empty = Array.prototype.every.call(fields, function (f) { return f.value === ""; });
    if (saved && empty) {
      Array.prototype.forEach.call(fields, function (f) { if (saved[f.name]) f.value = saved[f.name]; });
    }
    form.addEventListener("input", function () {
      var draft = {};
      Array.prototype.forEach.call(fields, function (f) { draft[f.name] = f.value; });
      store.setItem(key, JSON.stringify(draft));
    });
    form.addEventListener("submit", function (ev) {
      var button = ev.submitter;
      if (button && button.value === "preview") return;
      try { window.sessionStorage.setItem("hiroba:submitted", form.getAttribute("data-draft")); } catch (e) {}
    });
  });
})();

// A first warning while typing when a post seems to hold personal data.
// The server's guard decides, the same check that stops the post on
// submit, so the warning and the check step never disagree.
(function () {
  "use strict";
  if (!window.fetch) return;
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-pii-warning]"), function (area) {
    var form = area.form;
    var token = form && form.querySelector("input[name=_csrf]");
    if (!token) return;
    var title = form.querySelector("input[name=title]");
    var note = document.createElement("p");
    note.className = "pii-warning";
    note.setAttribute("role", "status");
    area.insertAdjacentElement("afterend", note);
    var timer = null, latest = 0;
    function check() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var ticket = ++latest;
        var data = new URLSearchParams();
        data.set("_csrf", token.value);
        data.set("body", area.value);
        if (title) data.set("title", title.value);
        fetch("/privacy/check", { method: "POST", body: data, credentials: "same-origin" })
          .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
          .then(function (found) {
            if (ticket !== latest) return;
            note.textContent = found.kinds && found.kinds.length ? area.getAttribute("data-pii-warning") : "";
          })
          .catch(function () {});
      }, 500);
    }
    area.addEventListener("input", check);
    if (title) title.addEventListener("input", check);
  });
})();

// Times are written in the reader's time zone. The server learns the
// browser's from this cookie, from the next page on; it checks the name
// and falls back to the language's zone. On the settings page, a user who
// never chose a zone finds the browser's selected.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\/-]{1,64}$/.test(zone)) return;
  var current = document.cookie.match(/(?:^|;\s*)hiroba_tz=([^;]*)/);
  if (!current || current[1] !== zone) {
    document.cookie = "hiroba_tz=" + zone + "; path=/; max-age=31536000; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }
  var select = document.querySelector("select[data-zone-guess]");
  if (!select) return;
  var listed = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
  if (!listed) {
    // An older name some browsers report; the server knows it too.
    var option = document.createElement("option");
    option.value = zone;
    option.textContent = zone.replace(/_/g, " ");
    select.prepend(option);
  }
  select.value = zone;
})();

// The account menu is a <details> that opens and closes by itself; this
// only closes it, as menus do, on a click elsewhere or on Escape.
(function () {
  "use strict";
  var menu = document.querySelector("details.account-menu");
  if (!menu) return;
  document.addEventListener("click", function (ev) {
    if (menu.open && !menu.contains(ev.target)) menu.open = false;
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();
