/* Floor: the least a tracking script can do. Each event's JSON is appended to localStorage
   (one key per event, so appending stays O(1)); nothing is decided, nothing is sent. */
(function (w) {
  var ls = w.localStorage, n = +(ls.getItem('floor:n') || 0);
  w.floorTrack = function (name, props) {
    try {
      ls.setItem('floor:' + n, JSON.stringify({ event: name, properties: props, at: Date.now() }));
      ls.setItem('floor:n', String(++n));
    } catch (e) { /* full: dropped */ }
  };
})(window);
