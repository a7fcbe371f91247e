// convviz.keeper: the class a teacher's browser teaches, kept in localStorage for this site,
// so that a reload or a second tab (a new Streamlit session) teaches on. It draws nothing.
//
// data (from convviz/ui/class_keeper.py, keeper_payload):
//   keep  {code, secret}: store it (the session teaches this class), or null
//   drop  {code, secret}: remove what is held if it is exactly this, or null
//   ask   whether Python wants to hear what is held
//   heard whether Python has heard what is held (its state "held" reached a run)
//
// When asked, the keeper sets its state "held" to {code, secret} (once per mount and value;
// nothing when it holds nothing). Python checks it against the class store before the
// session teaches again. The secret is never put in the page.
//
// It also marks the document ready (data-convviz-keeper="ready" on <html>) once the Class
// page may show its landing: at once when nothing is held or asked, else once Python has
// heard what is held. Until then assets/classroom.css shows "Looking for a class this
// browser teaches..." instead of the landing, so a teacher's reload does not flash it.

const ITEM = "convviz.class.teacher"; // class_keeper.STORAGE_KEY
const REPORTED = new WeakMap(); // per mount: the value last sent to Python (JSON)

function read() {
  try {
    const value = JSON.parse(window.localStorage.getItem(ITEM));
    if (value && typeof value.code === "string" && typeof value.secret === "string") {
      return { code: value.code, secret: value.secret };
    }
  } catch (err) {
    // not JSON, or storage blocked: nothing held
  }
  return null;
}

function ready() {
  document.documentElement.setAttribute("data-convviz-keeper", "ready");
}

function same(a, b) {
  return Boolean(a && b) && a.code === b.code && a.secret === b.secret;
}

export default function (component) {
  const { parentElement, data, setStateValue } = component;
  const { keep = null, drop = null, ask = false, heard = false } = data || {};
  try {
    if (drop && same(read(), drop)) window.localStorage.removeItem(ITEM);
    if (keep && !same(read(), keep)) {
      window.localStorage.setItem(ITEM, JSON.stringify({ code: keep.code, secret: keep.secret }));
    }
  } catch (err) {
    ready();
    return; // storage blocked (private mode, a policy): this browser keeps nothing
  }
  const held = ask ? read() : null;
  if (!held || heard) ready(); // nothing to restore, or Python has heard it
  if (!held) return;
  const text = JSON.stringify(held);
  if (REPORTED.get(parentElement) === text) return;
  REPORTED.set(parentElement, text);
  setStateValue("held", held);
}
