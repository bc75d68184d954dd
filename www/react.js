// adagg/react: JSX types for <ad-aggregator> (react.d.ts). Nothing at run
// time: import 'adagg' defines the element.
export {};
