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

// Dismissing a known issue's banner hides it at once, without leaving the
// page; the server remembers it in a cookie, as the form does without this.
(function () {
  "use strict";
  if (!window.fetch) return;
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute || !form.hasAttribute("data-dismiss-issue")) return;
    ev.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    data.set("js", "1");
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) throw new Error(res.status);
        var banner = form.closest(".known-issue");
        var list = banner.parentNode;
        var next = banner.nextElementSibling;
        banner.remove();
        // Focus moves on rather than falling to the top of the page.
        var button = next && next.querySelector("form[data-dismiss-issue] button");
        if (button) {
          button.focus();
        } else {
          if (!list.children.length) list.remove();
          var main = document.getElementById("main");
          if (main) { main.setAttribute("tabindex", "-1"); main.focus(); }
        }
      })
      .catch(function () { form.submit(); });
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

// Screenshots. Each image attached to a post, by the file input, a paste
// or a drop on the text, first opens in the image editor (the <dialog> of
// views/image_editor.templ), where its author drags boxes over anything
// private. What is uploaded is the picture drawn again, boxes and all, as a
// PNG: the original file never leaves the device, and the file input is
// emptied so that the form does not send it either. The answer's markdown
// goes in at the cursor. Files the browser cannot open as images stay in
// the file input, for the server to judge when the post is sent. Without
// this script the form sends the files as they are.
(function () {
  "use strict";
  var dialog = document.getElementById("image-editor");
  if (!dialog || !dialog.showModal || !window.fetch || !window.FormData || !window.createImageBitmap ||
      !window.DataTransfer || !HTMLCanvasElement.prototype.toBlob) return;
  var canvas = document.getElementById("image-editor-canvas");
  var paint = canvas.getContext("2d");
  var heading = document.getElementById("image-editor-heading");
  var fileLine = document.getElementById("image-editor-file");
  var status = document.getElementById("image-editor-status");
  var alt = document.getElementById("image-editor-alt");
  var buttons = {};
  Array.prototype.forEach.call(dialog.querySelectorAll("button[data-editor]"), function (b) {
    buttons[b.getAttribute("data-editor")] = b;
  });
  var text = dialog.dataset;
  if (!paint || !buttons.undo || !buttons.clear || !buttons.cancel || !buttons.insert) return;

  // say fills a message's {placeholders}; the server rendered the message
  // in the page's language and left them for us.
  function say(message, values) {
    return (message || "").replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }
  function list(files) { return Array.prototype.slice.call(files || []); }
  function isImage(file) { return /^image\//.test(file.type); }
  function baseName(name) { return (name || "").replace(/\.[^.]*$/, ""); }
  function pngName(name) { return (baseName(name) || "image") + ".png"; }

  // The queue of images waiting for the editor, one at a time, in order.
  var queue = [], shown = 0, total = 0;
  var current = null;   // {job, bitmap, boxes, drag}
  var uploading = false;
  var returnTo = null;  // where focus goes back when the editor closes
  var carried = "";     // the last image's outcome, shown with the next one

  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    var input = form.querySelector("input[type=file][name=images]");
    var area = form.querySelector("textarea[name=body]");
    var token = form.querySelector("input[name=_csrf]");
    if (!input || !area || !token) return;
    var post = { input: input, area: area, token: token, touched: false };
    // What became of each file goes beside the file input, the refusals
    // in an alert.
    post.notes = document.createElement("div");
    post.notes.className = "image-notes";
    post.notes.setAttribute("role", "status");
    post.errors = document.createElement("div");
    post.errors.className = "image-errors";
    post.errors.id = (input.id || "images") + "-errors";
    post.errors.setAttribute("role", "alert");
    input.after(post.notes, post.errors);
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + post.errors.id).trim());

    // Until the text has had the cursor, an image goes at its end.
    ["focus", "pointerdown", "keydown"].forEach(function (type) {
      area.addEventListener(type, function () { post.touched = true; });
    });
    input.addEventListener("change", function () {
      var files = list(input.files);
      if (!files.length) return;
      input.value = "";
      enqueue(post, files.filter(function (f) { return isImage(f) || f.type === ""; }), input);
      keep(post, files.filter(function (f) { return !isImage(f) && f.type !== ""; }));
    });
    area.addEventListener("paste", function (ev) {
      var data = ev.clipboardData;
      var images = list(data && data.files).filter(isImage);
      // A spreadsheet's or a document's text comes with a picture of
      // itself; the text is what was meant.
      if (!images.length || data.getData("text/plain")) return;
      ev.preventDefault();
      post.touched = true;
      enqueue(post, images, area);
    });
    function dragsFiles(ev) {
      return ev.dataTransfer && Array.prototype.indexOf.call(ev.dataTransfer.types, "Files") >= 0;
    }
    function over(ev) {
      if (!dragsFiles(ev)) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = "copy";
      area.classList.add("image-drop");
    }
    area.addEventListener("dragenter", over);
    area.addEventListener("dragover", over);
    area.addEventListener("dragleave", function () { area.classList.remove("image-drop"); });
    // A file dropped on the page would replace it with the file, text and
    // all: every file dropped here is taken, the images to the editor.
    area.addEventListener("drop", function (ev) {
      area.classList.remove("image-drop");
      if (!dragsFiles(ev)) return;
      ev.preventDefault();
      var files = list(ev.dataTransfer.files);
      enqueue(post, files.filter(isImage), area);
      keep(post, files.filter(function (f) { return !isImage(f); }));
    });
  });

  // keep leaves files the editor cannot open in the form's file input, so
  // they are sent with the post and the server says what it thinks of them.
  function keep(post, files) {
    if (!files.length) return;
    var all = new DataTransfer();
    list(post.input.files).concat(files).forEach(function (f) { all.items.add(f); });
    post.input.files = all.files;
    files.forEach(function (f) { tell(post.notes, say(text.unreadable, { name: f.name }), ""); });
  }

  function tell(box, message, className) {
    var line = document.createElement("p");
    line.className = className;
    line.textContent = message;
    box.append(line);
    return message;
  }

  function enqueue(post, files, from) {
    if (!files.length) return;
    if (!current && !queue.length) {
      shown = total = 0;
      returnTo = from;
      carried = "";
      post.notes.textContent = post.errors.textContent = "";
    }
    files.forEach(function (file) { queue.push({ post: post, file: file }); });
    total += files.length;
    if (!current) next();
  }

  // decode applies the picture's EXIF orientation, as a photo viewer would.
  function decode(file) {
    return createImageBitmap(file, { imageOrientation: "from-image" })
      .catch(function (err) {
        if (err && err.name === "TypeError") return createImageBitmap(file);
        throw err;
      });
  }

  function next() {
    var job = queue.shift();
    if (!job) { finish(); return; }
    shown++;
    var mine = current = { job: job, bitmap: null, boxes: [], drag: null };
    decode(job.file).then(function (bitmap) {
      if (current !== mine) { bitmap.close(); return; } // the editor was closed meanwhile
      current.bitmap = bitmap;
      open(job);
    }, function () {
      keep(job.post, [job.file]);
      if (current !== mine) return;
      current = null;
      next();
    });
  }

  function open(job) {
    canvas.width = current.bitmap.width;
    canvas.height = current.bitmap.height;
    draw();
    alt.value = baseName(job.file.name);
    fileLine.textContent = say(text.position, { index: shown, total: total, name: job.file.name });
    status.textContent = carried;
    carried = "";
    setButtons();
    if (!dialog.open) dialog.showModal();
    heading.focus();
  }

  function finish() {
    current = null;
    if (dialog.open) dialog.close();
    canvas.width = canvas.height = 0;
    var to = returnTo;
    returnTo = null;
    if (to && to.isConnected) to.focus();
  }

  function release() {
    if (current && current.bitmap) current.bitmap.close();
    current = null;
  }

  // The boxes are kept in the picture's own pixels, whatever size it is
  // shown at, and rounded outwards so that no edge pixel is half covered.
  function box(drag) {
    var x0 = Math.floor(Math.min(drag.from.x, drag.to.x)), y0 = Math.floor(Math.min(drag.from.y, drag.to.y));
    var x1 = Math.ceil(Math.max(drag.from.x, drag.to.x)), y1 = Math.ceil(Math.max(drag.from.y, drag.to.y));
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  function draw() {
    if (!current || !current.bitmap) return;
    paint.clearRect(0, 0, canvas.width, canvas.height);
    paint.drawImage(current.bitmap, 0, 0);
    paint.fillStyle = "black";
    current.boxes.forEach(function (b) { paint.fillRect(b.x, b.y, b.w, b.h); });
    if (current.drag) {
      // The box being drawn has an outline too, to show on a dark picture.
      var b = box(current.drag);
      paint.fillRect(b.x, b.y, b.w, b.h);
      paint.lineWidth = 2 * scale();
      paint.strokeStyle = getComputedStyle(dialog).getPropertyValue("--focus").trim() || "Highlight";
      paint.strokeRect(b.x, b.y, b.w, b.h);
    }
  }

  // scale is how many of the picture's pixels one CSS pixel covers.
  function scale() {
    var width = canvas.getBoundingClientRect().width;
    return width ? canvas.width / width : 1;
  }

  function point(ev) {
    var r = canvas.getBoundingClientRect();
    var x = (ev.clientX - r.left) * canvas.width / r.width;
    var y = (ev.clientY - r.top) * canvas.height / r.height;
    return { x: Math.max(0, Math.min(canvas.width, x)), y: Math.max(0, Math.min(canvas.height, y)) };
  }

  canvas.addEventListener("pointerdown", function (ev) {
    if (!current || !current.bitmap || uploading || !ev.isPrimary || ev.button !== 0) return;
    ev.preventDefault(); // no text selection, no page scroll: the drag is a box
    canvas.setPointerCapture(ev.pointerId);
    current.drag = { id: ev.pointerId, from: point(ev), to: point(ev) };
  });
  canvas.addEventListener("pointermove", function (ev) {
    if (!current || !current.drag || current.drag.id !== ev.pointerId) return;
    current.drag.to = point(ev);
    draw();
  });
  canvas.addEventListener("pointerup", function (ev) {
    if (!current || !current.drag || current.drag.id !== ev.pointerId) return;
    current.drag.to = point(ev);
    var b = box(current.drag), s = scale();
    current.drag = null;
    // A tap is not a box.
    if (b.w >= 4 * s && b.h >= 4 * s) {
      current.boxes.push(b);
      status.textContent = text.boxAdded;
    }
    draw();
    setButtons();
  });
  function dropDrag(ev) {
    if (!current || !current.drag || current.drag.id !== ev.pointerId) return;
    current.drag = null;
    draw();
  }
  canvas.addEventListener("pointercancel", dropDrag);
  canvas.addEventListener("lostpointercapture", dropDrag);

  // Buttons that cannot act now stay focusable (aria-disabled), so focus
  // is never lost from under a keyboard user's feet.
  function setButtons() {
    var none = !current || !current.boxes.length;
    buttons.undo.setAttribute("aria-disabled", String(none || uploading));
    buttons.clear.setAttribute("aria-disabled", String(none || uploading));
    buttons.cancel.setAttribute("aria-disabled", String(uploading));
    buttons.insert.setAttribute("aria-disabled", String(uploading));
    alt.readOnly = uploading;
    dialog.setAttribute("aria-busy", String(uploading));
  }
  function usable(name) { return current && current.bitmap && buttons[name].getAttribute("aria-disabled") !== "true"; }

  buttons.undo.addEventListener("click", function () {
    if (!usable("undo")) return;
    current.boxes.pop();
    status.textContent = text.boxRemoved;
    draw();
    setButtons();
  });
  buttons.clear.addEventListener("click", function () {
    if (!usable("clear")) return;
    current.boxes = [];
    status.textContent = text.boxesCleared;
    draw();
    setButtons();
  });
  function cancel() {
    if (!usable("cancel")) return;
    release();
    next();
  }
  buttons.cancel.addEventListener("click", cancel);
  // Escape cancels this image, as the Cancel button does.
  dialog.addEventListener("cancel", function (ev) {
    if (!ev.cancelable) return; // the browser closes the dialog; see below
    ev.preventDefault();
    cancel();
  });
  // The browser may close the dialog itself (a second Escape): then the
  // images still waiting are dropped too.
  dialog.addEventListener("close", function () {
    if (!current) return;
    queue.length = 0;
    if (!uploading) { release(); finish(); }
  });
  buttons.insert.addEventListener("click", insert);
  alt.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || ev.isComposing) return;
    ev.preventDefault(); // the editor may sit in the post's form, which must not be sent
    insert();
  });

  function insert() {
    if (!usable("insert")) return;
    var job = current.job;
    var data = new FormData();
    data.append("_csrf", job.post.token.value);
    data.append("alt", alt.value.trim());
    uploading = true;
    setButtons();
    current.drag = null;
    draw();
    status.textContent = say(text.uploading, { name: job.file.name });
    canvas.toBlob(function (png) {
      if (!png) { done(job, null, text.uploadError); return; }
      data.append("image", png, pngName(job.file.name));
      fetch("/uploads", { method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (res) {
          return res.json().then(function (answer) {
            if (res.ok && answer.markdown) done(job, answer.markdown, "");
            else done(job, null, answer.error || text.uploadError);
          }, function () { done(job, null, text.uploadError); });
        }, function () { done(job, null, text.uploadError); });
    }, "image/png");
  }

  function done(job, markdown, error) {
    var post = job.post;
    if (markdown) {
      put(post, markdown);
      carried = tell(post.notes, say(text.inserted, { name: job.file.name }), "");
    } else {
      carried = tell(post.errors, say(text.failed, { name: job.file.name, reason: error }), "field-error");
    }
    uploading = false;
    release();
    next();
  }

  // put writes the markdown on a line of its own at the cursor, never over
  // selected text, and tells the page's other listeners (the privacy
  // warning, the draft) that the text changed.
  function put(post, markdown) {
    var area = post.area, value = area.value;
    var at = post.touched ? area.selectionEnd : value.length;
    var line = markdown;
    if (at > 0 && value.charAt(at - 1) !== "\n") line = "\n" + line;
    if (value.charAt(at) !== "\n") line += "\n";
    area.setRangeText(line, at, at, "end");
    post.touched = true;
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
})();

// A link to a post whose thread page does not show it: a merge numbered the
// thread's posts again, so the post is on another page now. Its permanent
// address (/p/123) knows which. Tried once per post and tab, so a page that
// still does not show it ends here rather than going round.
(function () {
  var m = /^#p(\d+)$/.exec(location.hash);
  if (!m || !document.querySelector("ol.posts")) return;
  var key = "hiroba:find-post:" + m[1];
  try {
    var tried = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
    if (tried || document.getElementById("p" + m[1])) return;
    sessionStorage.setItem(key, "1");
  } catch (e) { return; }
  location.replace("/p/" + m[1]);
})();

// A thread page follows its thread while it is open (Server-Sent Events):
// new replies are announced, "2 new replies — show", never inserted under
// the reader's eyes; the me-too count and the site notice follow too.
// The server counts from the last post the page showed (data-last-post),
// which the browser sends again when it reconnects, so nothing is missed.
(function () {
  "use strict";
  var bar = document.querySelector("[data-live-events]");
  if (!bar || !window.EventSource) return;
  var url = bar.getAttribute("data-live-events") + "?after=" + encodeURIComponent(bar.getAttribute("data-last-post") || "");
  var source = null, timer = 0, failures = 0, resting = false, replies = null, notice = null;

  function button(className, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.addEventListener("click", onClick);
    bar.appendChild(b);
    return b;
  }

  function showReplies(d) {
    if (!d || !(d.count > 0)) {
      if (replies) { replies.remove(); replies = null; }
      return;
    }
    if (!replies) replies = button("live-replies", function () { go(replies.getAttribute("data-first")); });
    var text = d.count === 1 ? bar.getAttribute("data-live-one") : bar.getAttribute("data-live-many").replace("{n}", d.count);
    if (replies.textContent !== text) replies.textContent = text;
    replies.setAttribute("data-first", d.first || "");
  }

  // go opens the page with the first new reply. When only the anchor would
  // change, following it would not load anything: reload there instead.
  function go(first) {
    var target = new URL(first || location.href, location.href);
    if (target.pathname === location.pathname && target.search === location.search) {
      if ("scrollRestoration" in history) history.scrollRestoration = "manual";
      history.replaceState(history.state, "", target.href);
      location.reload();
    } else {
      location.assign(target.href);
    }
  }

  function showMeToos(d) {
    if (!d || typeof d.count !== "number") return;
    var thread = bar.closest(".thread") || document;
    Array.prototype.forEach.call(thread.querySelectorAll("[data-me-too-count]"), function (el) {
      el.setAttribute("data-me-too-count", d.count);
      var form = el.getAttribute(d.count === 1 ? "data-one" : "data-other");
      el.textContent = form ? form.replace("{n}", d.count) : d.count;
      el.hidden = d.count === 0;
    });
  }

  function showBanner(data) {
    var was = bar.getAttribute("data-live-banner");
    bar.setAttribute("data-live-banner", data);
    if (!was || was === data || notice) return; // unknown when rendered, or unchanged
    notice = button("live-notice", function () { location.reload(); });
    notice.textContent = bar.getAttribute("data-live-notice");
  }

  function parse(ev) {
    try { return JSON.parse(ev.data); } catch (e) { return null; }
  }

  function open() {
    clearTimeout(timer);
    resting = false;
    if (source) return;
    source = new EventSource(url);
    source.addEventListener("open", function () { failures = 0; });
    source.addEventListener("replies", function (ev) { showReplies(parse(ev)); });
    source.addEventListener("metoo", function (ev) { showMeToos(parse(ev)); });
    source.addEventListener("banner", function (ev) { showBanner(ev.data); });
    // The server closes a stream that had nothing to say for a long
    // while: connect again at once only if someone is looking.
    source.addEventListener("bye", function () {
      close();
      resting = true;
      if (document.visibilityState === "visible") later(1000 + Math.random() * 4000);
    });
    source.addEventListener("error", function () {
      // Refused (too many streams, a thread no longer shown): the browser
      // gives up; try again a few times, further apart each time.
      if (!source || source.readyState !== EventSource.CLOSED) return;
      close();
      if (++failures <= 5) later(Math.min(300000, 15000 * Math.pow(2, failures)) * (0.5 + Math.random()));
    });
  }

  function close() {
    if (source) { source.close(); source = null; }
  }

  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(open, ms);
  }

  document.addEventListener("visibilitychange", function () {
    if (resting && document.visibilityState === "visible") open();
  });
  window.addEventListener("pagehide", function () { clearTimeout(timer); close(); });
  window.addEventListener("pageshow", function (ev) { if (ev.persisted) open(); });
  open();
})();
