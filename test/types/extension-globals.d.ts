// Code passed to page.evaluate() runs in extension pages, where `browser` exists.
declare const browser: import("webextension-polyfill").Browser;
