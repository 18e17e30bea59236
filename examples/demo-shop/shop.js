// Ridgeline Supply Co.: the demo shop's own behaviour (cart, search, compare, checkout).
//
// The shop keeps its cart in its own localStorage key (`demo-shop:cart`); Trailmark keeps its
// own state. The shop talks to Trailmark only through the documented API: `trailmark.track()`
// with Segment e-commerce v2 event names, and `trailmark.debug()`. Page views, clicks on
// `data-tm-event` elements, the marked sign-up form and the product markup are captured by
// Trailmark itself. Everything here tolerates storage that throws and a Trailmark that never
// loads: the shop must work without it.
(function () {
  'use strict';

  var CART_KEY = 'demo-shop:cart';
  var ORDER_KEY = 'demo-shop:last-order';
  var CHECKOUT_KEY = 'demo-shop:checkout';
  var CURRENCY = 'GBP';
  var FREE_DELIVERY = 100;
  var memory = {}; // used when localStorage is unavailable

  // ------------------------------------------------------------ storage and tracking

  function load(key, fallback) {
    var text = null;
    try {
      text = window.localStorage.getItem(key);
    } catch (e) {
      text = Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
    }
    if (text == null) return fallback;
    try {
      return JSON.parse(text);
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    var text = JSON.stringify(value);
    memory[key] = text;
    try {
      window.localStorage.setItem(key, text);
    } catch (e) {
      /* memory copy above is enough for this page */
    }
  }

  function remove(key) {
    delete memory[key];
    try {
      window.localStorage.removeItem(key);
    } catch (e) {
      /* ignore */
    }
  }

  // Trailmark's calls never throw by contract; the guard is for a page where it was blocked
  // entirely (no stub either).
  function track(name, props) {
    var tm = window.trailmark;
    if (tm && typeof tm.track === 'function') {
      try {
        tm.track(name, props || {});
      } catch (e) {
        /* never let analytics break the shop */
      }
    }
  }

  // ------------------------------------------------------------ helpers

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  function $$(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function money(n) {
    return '£' + Number(n).toFixed(2);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function params() {
    return new URLSearchParams(window.location.search);
  }

  var catalogPromise = null;
  function catalog() {
    if (!catalogPromise) {
      catalogPromise = fetch('/catalog.json').then(function (r) {
        if (!r.ok) throw new Error('catalog: HTTP ' + r.status);
        return r.json();
      });
    }
    return catalogPromise;
  }

  // ------------------------------------------------------------ cart

  function cart() {
    var lines = load(CART_KEY, []);
    return Array.isArray(lines) ? lines : [];
  }

  function cartTotals(lines) {
    var subtotal = 0;
    var items = 0;
    lines.forEach(function (l) {
      subtotal += l.price * l.quantity;
      items += l.quantity;
    });
    var delivery = subtotal === 0 || subtotal >= FREE_DELIVERY ? 0 : 4.95;
    return { subtotal: subtotal, delivery: delivery, total: subtotal + delivery, items: items };
  }

  function segmentProducts(lines) {
    return lines.map(function (l, i) {
      return {
        product_id: l.product_id,
        name: l.name,
        price: l.price,
        category: l.category,
        quantity: l.quantity,
        position: i + 1,
      };
    });
  }

  function setCart(lines) {
    save(CART_KEY, lines);
    renderCartCount();
  }

  function renderCartCount() {
    var items = cartTotals(cart()).items;
    $$('[data-cart-count]').forEach(function (n) {
      n.textContent = String(items);
    });
  }

  function addToCart(product, quantity) {
    var lines = cart();
    var line = lines.filter(function (l) {
      return l.product_id === product.product_id;
    })[0];
    if (line) line.quantity = Math.min(9, line.quantity + quantity);
    else {
      lines.push({
        product_id: product.product_id,
        name: product.name,
        price: product.price,
        category: product.category,
        quantity: quantity,
      });
    }
    setCart(lines);
    track('Product Added', {
      product_id: product.product_id,
      sku: product.product_id,
      name: product.name,
      price: product.price,
      category: product.category,
      quantity: quantity,
      currency: CURRENCY,
      cart_id: 'demo',
    });
  }

  // ------------------------------------------------------------ pages

  function productPage() {
    var form = $('[data-add-form]');
    if (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        var qty = parseInt(form.elements.quantity.value, 10);
        addToCart(
          {
            product_id: form.getAttribute('data-product-id'),
            name: form.getAttribute('data-name'),
            price: Number(form.getAttribute('data-price')),
            category: form.getAttribute('data-category'),
          },
          qty > 0 && qty < 10 ? qty : 1
        );
        var note = $('[data-added-note]');
        if (note) note.hidden = false;
      });
    }
    var toggle = $('[data-reviews-toggle]');
    if (toggle) {
      // The click itself is a touchpoint through its data-tm-event attribute.
      toggle.addEventListener('click', function () {
        var reviews = document.getElementById('reviews');
        var open = reviews.hidden;
        reviews.hidden = !open;
        toggle.setAttribute('aria-expanded', String(open));
        if (open) reviews.scrollIntoView({ block: 'nearest' });
      });
    }
  }

  function categoryPage() {
    var form = $('[data-compare-form]');
    if (!form) return;
    var button = $('button', form);
    var boxes = $$('[data-compare]');
    function update() {
      var picked = boxes.filter(function (b) {
        return b.checked;
      });
      boxes.forEach(function (b) {
        b.disabled = !b.checked && picked.length >= 3;
      });
      button.disabled = picked.length < 2;
      form.elements.ids.value = picked
        .map(function (b) {
          return b.value;
        })
        .join(',');
    }
    boxes.forEach(function (b) {
      b.addEventListener('change', update);
    });
    update();
  }

  function comparePage() {
    var table = $('[data-compare-table]');
    if (!table) return;
    var ids = (params().get('ids') || '').split(',').filter(Boolean).slice(0, 4);
    catalog()
      .then(function (data) {
        var products = ids
          .map(function (id) {
            return data.products.filter(function (p) {
              return p.id === id;
            })[0];
          })
          .filter(Boolean);
        if (products.length < 2) {
          $('[data-compare-empty]').hidden = false;
          table.hidden = true;
          return;
        }
        function row(label, cell) {
          return el('tr', {}, [el('th', { scope: 'row', text: label })].concat(products.map(function (p) {
            var td = el('td');
            var v = cell(p);
            td.appendChild(typeof v === 'string' ? document.createTextNode(v) : v);
            return td;
          })));
        }
        table.appendChild(row('', function (p) {
          return el('a', { href: p.url }, [el('img', { src: p.image, alt: '', width: '320', height: '240' }), el('strong', { text: p.name })]);
        }));
        table.appendChild(row('Price', function (p) {
          return money(p.price);
        }));
        table.appendChild(row('Rating', function (p) {
          return '★ ' + p.rating + ' (' + p.reviews + ' reviews)';
        }));
        table.appendChild(row('Highlights', function (p) {
          return el('ul', {}, p.features.map(function (f) {
            return el('li', { text: f });
          }));
        }));
        table.appendChild(row('', function (p) {
          return el('a', { class: 'button button-small', href: p.url, text: 'View product' });
        }));
        track('Products Compared', {
          product_ids: products.map(function (p) {
            return p.id;
          }),
          category: products[0].category,
          products: products.map(function (p) {
            return { product_id: p.id, price: p.price, category: p.category };
          }),
        });
      })
      .catch(function () {
        $('[data-compare-empty]').hidden = false;
      });
  }

  function searchPage() {
    var list = $('[data-search-results]');
    if (!list) return;
    var query = (params().get('q') || '').trim();
    var input = document.getElementById('q');
    if (input) input.value = query;
    if (!query) return;
    var summary = $('[data-search-summary]');
    catalog().then(function (data) {
      var words = query.toLowerCase().split(/\s+/);
      var hits = data.products.filter(function (p) {
        var text = (p.name + ' ' + p.category + ' ' + p.description + ' ' + p.features.join(' ')).toLowerCase();
        return words.every(function (w) {
          return text.indexOf(w) >= 0;
        });
      });
      summary.textContent = hits.length + (hits.length === 1 ? ' result' : ' results') + ' for “' + query + '”';
      hits.forEach(function (p, i) {
        var link = el('a', {
          class: 'card-link',
          href: p.url,
          'data-tm-event': 'Product Clicked',
          'data-tm-product-id': p.id,
          'data-tm-position': String(i + 1),
        }, [
          el('img', { src: p.image, alt: '', width: '320', height: '240' }),
          el('span', { class: 'card-cat', text: p.category }),
          el('span', { class: 'card-name', text: p.name }),
        ]);
        list.appendChild(el('li', { class: 'card' }, [link, el('span', { class: 'card-meta' }, [el('span', { class: 'price', text: money(p.price) })])]));
      });
      track('Products Searched', { query: query, results: hits.length });
    });
  }

  function cartPage() {
    var table = $('[data-cart-table]');
    if (!table) return;
    var body = $('[data-cart-lines]');
    function render() {
      var lines = cart();
      var t = cartTotals(lines);
      body.textContent = '';
      table.hidden = lines.length === 0;
      $('[data-cart-summary]').hidden = lines.length === 0;
      $('[data-cart-empty]').hidden = lines.length > 0;
      lines.forEach(function (l) {
        var qty = el('input', { type: 'number', min: '1', max: '9', value: String(l.quantity), 'aria-label': 'Quantity of ' + l.name });
        qty.addEventListener('change', function () {
          var n = Math.max(1, Math.min(9, parseInt(qty.value, 10) || 1));
          var next = cart().map(function (x) {
            if (x.product_id === l.product_id) x.quantity = n;
            return x;
          });
          setCart(next);
          render();
        });
        var removeButton = el('button', { type: 'button', class: 'link-button', text: 'Remove' });
        removeButton.addEventListener('click', function () {
          setCart(cart().filter(function (x) {
            return x.product_id !== l.product_id;
          }));
          track('Product Removed', { product_id: l.product_id, price: l.price, category: l.category, quantity: l.quantity });
          render();
        });
        body.appendChild(el('tr', {}, [
          el('td', {}, [el('a', { class: 'line-name', href: '/products/' + l.product_id + '.html' }, [el('img', { src: '/img/' + l.product_id + '.svg', alt: '', width: '64', height: '48' }), l.name])]),
          el('td', { text: money(l.price) }),
          el('td', {}, [qty]),
          el('td', { text: money(l.price * l.quantity) }),
          el('td', {}, [removeButton]),
        ]));
      });
      $('[data-cart-subtotal]').textContent = money(t.subtotal);
      $('[data-cart-delivery]').textContent = t.delivery ? money(t.delivery) : 'Free';
      $('[data-cart-total]').textContent = money(t.total);
    }
    render();
    var lines = cart();
    track('Cart Viewed', { cart_id: 'demo', value: cartTotals(lines).subtotal, currency: CURRENCY, products: segmentProducts(lines) });
  }

  function miniCart() {
    var list = $('[data-mini-cart]');
    if (!list) return;
    var lines = cart();
    lines.forEach(function (l) {
      list.appendChild(el('li', {}, [el('span', { text: l.quantity + ' × ' + l.name }), el('span', { text: money(l.price * l.quantity) })]));
    });
    $$('[data-cart-total]').forEach(function (n) {
      n.textContent = money(cartTotals(lines).total);
    });
  }

  function shippingPage() {
    var form = $('[data-shipping-form]');
    if (!form) return;
    miniCart();
    var lines = cart();
    if (lines.length === 0) {
      $('[data-checkout-empty]').hidden = false;
      $('button[type=submit]', form).disabled = true;
      return;
    }
    var saved = load(CHECKOUT_KEY, {});
    ['name', 'email', 'address', 'town', 'postcode'].forEach(function (k) {
      if (saved[k]) form.elements[k].value = saved[k];
    });
    var t = cartTotals(lines);
    track('Checkout Started', { order_id: 'pending', value: t.subtotal, revenue: t.subtotal, currency: CURRENCY, products: segmentProducts(lines) });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var shipping = form.elements.shipping.value;
      var details = {};
      ['name', 'email', 'address', 'town', 'postcode'].forEach(function (k) {
        details[k] = form.elements[k].value;
      });
      details.shipping = shipping;
      save(CHECKOUT_KEY, details);
      track('Checkout Step Completed', { step: 1, shipping_method: shipping });
      window.location.href = '/payment.html';
    });
  }

  function paymentPage() {
    var form = $('[data-payment-form]');
    if (!form) return;
    miniCart();
    var lines = cart();
    if (lines.length === 0) {
      window.location.replace('/cart.html');
      return;
    }
    track('Checkout Step Viewed', { step: 2 });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var t = cartTotals(lines);
      var details = load(CHECKOUT_KEY, {});
      if (details.shipping === 'express') t.total += 7.95;
      track('Payment Info Entered', { step: 2, payment_method: 'card' });
      var order = {
        order_id: 'RDG-' + Date.now().toString(36).toUpperCase(),
        revenue: Math.round(t.subtotal * 100) / 100,
        total: Math.round(t.total * 100) / 100,
        shipping: details.shipping === 'express' ? 7.95 : t.delivery,
        currency: CURRENCY,
        products: segmentProducts(lines),
        tracked: false,
      };
      save(ORDER_KEY, order);
      remove(CHECKOUT_KEY);
      setCart([]);
      window.location.href = '/confirmation.html';
    });
  }

  // `Order Completed` is tracked on the confirmation page itself, once per order, so it is
  // never lost to the navigation away from the payment form.
  function confirmationPage() {
    var box = $('[data-confirmation]');
    if (!box) return;
    var order = load(ORDER_KEY, null);
    if (!order) {
      $('h1', box).textContent = 'No recent order';
      return;
    }
    $('[data-order-id]').textContent = order.order_id;
    $('[data-order-total]').textContent = money(order.total);
    if (!order.tracked) {
      track('Order Completed', {
        order_id: order.order_id,
        revenue: order.revenue,
        total: order.total,
        shipping: order.shipping,
        currency: order.currency,
        products: order.products,
      });
      order.tracked = true;
      save(ORDER_KEY, order);
    }
  }

  function accountPage() {
    var form = $('[data-signup-form]');
    if (!form) return;
    // Trailmark captures the submit of this marked form itself; the shop reports the outcome.
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      $('[data-signup-done]').hidden = false;
      track('Signed Up', { method: 'email', newsletter: !!form.elements.newsletter.checked });
    });
  }

  function helpPage() {
    var button = $('[data-support-button]');
    if (!button) return;
    button.addEventListener('click', function () {
      $('[data-support-done]').hidden = false;
    });
  }

  function debugButton() {
    $$('[data-debug-panel]').forEach(function (button) {
      button.addEventListener('click', function () {
        var tm = window.trailmark;
        if (tm && typeof tm.debug === 'function') {
          try {
            tm.debug();
          } catch (e) {
            /* the panel is optional */
          }
        }
      });
    });
  }

  function start() {
    renderCartCount();
    debugButton();
    productPage();
    categoryPage();
    comparePage();
    searchPage();
    cartPage();
    shippingPage();
    paymentPage();
    confirmationPage();
    accountPage();
    helpPage();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
