var Pr=Object.defineProperty;var Or=(ie,S,he)=>S in ie?Pr(ie,S,{enumerable:!0,configurable:!0,writable:!0,value:he}):ie[S]=he;var Se=(ie,S,he)=>Or(ie,typeof S!="symbol"?S+"":S,he);(function(){"use strict";var ie,S,he,de,gt,yt,vt,et,Ne,Ee,bt,tt,nt,rt,wt,xe={},De=[],pn=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,Pe=Array.isArray;function ae(e,t){for(var r in t)e[r]=t[r];return e}function it(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function _n(e,t,r){var i,s,o,a={};for(o in t)o=="key"?i=t[o]:o=="ref"?s=t[o]:a[o]=t[o];if(arguments.length>2&&(a.children=arguments.length>3?ie.call(arguments,2):r),typeof e=="function"&&e.defaultProps!=null)for(o in e.defaultProps)a[o]===void 0&&(a[o]=e.defaultProps[o]);return Oe(e,a,i,s,null)}function Oe(e,t,r,i,s){var o={type:e,props:t,key:r,ref:i,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:s??++he,__i:-1,__u:0};return s==null&&S.vnode!=null&&S.vnode(o),o}function z(e){return e.children}function Le(e,t){this.props=e,this.context=t}function fe(e,t){if(t==null)return e.__?fe(e.__,e.__i+1):null;for(var r;t<e.__k.length;t++)if((r=e.__k[t])!=null&&r.__e!=null)return r.__e;return typeof e.type=="function"?fe(e):null}function mn(e){if(e.__P&&e.__d){var t=e.__v,r=t.__e,i=[],s=[],o=ae({},t);o.__v=t.__v+1,S.vnode&&S.vnode(o),at(e.__P,o,t,e.__n,e.__P.namespaceURI,32&t.__u?[r]:null,i,r??fe(t),!!(32&t.__u),s),o.__v=t.__v,o.__.__k[o.__i]=o,Tt(i,o,s),t.__e=t.__=null,o.__e!=r&&St(o)}}function St(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),St(e)}function ot(e){(!e.__d&&(e.__d=!0)&&de.push(e)&&!Fe.__r++||gt!=S.debounceRendering)&&((gt=S.debounceRendering)||yt)(Fe)}function Fe(){try{for(var e,t=1;de.length;)de.length>t&&de.sort(vt),e=de.shift(),t=de.length,mn(e)}finally{de.length=Fe.__r=0}}function Et(e,t,r,i,s,o,a,c,u,l,_){var w,d,m,$,k,R,g=i&&i.__k||De,f=t.length;for(u=gn(r,t,g,u,f),w=0;w<f;w++)(m=r.__k[w])!=null&&(d=m.__i!=-1&&g[m.__i]||xe,m.__i=w,R=at(e,m,d,s,o,a,c,u,l,_),$=m.__e,m.ref&&d.ref!=m.ref&&(d.ref&&st(d.ref,null,m),_.push(m.ref,m.__c||$,m)),k==null&&$!=null&&(k=$),4&m.__u?(u=At(m,u,e),d.__e&&(d.__e=null)):typeof m.type=="function"&&R!==void 0?u=R:$&&(u=$.nextSibling),m.__u&=-7);return r.__e=k,u}function gn(e,t,r,i,s){var o,a,c,u,l,_=r.length,w=_,d=0;for(e.__k=new Array(s),o=0;o<s;o++)(a=t[o])!=null&&typeof a!="boolean"&&typeof a!="function"?(typeof a=="string"||typeof a=="number"||typeof a=="bigint"||a.constructor==String?a=e.__k[o]=Oe(null,a,null,null,null):Pe(a)?a=e.__k[o]=Oe(z,{children:a},null,null,null):a.constructor===void 0&&a.__b>0?a=e.__k[o]=Oe(a.type,a.props,a.key,a.ref?a.ref:null,a.__v):e.__k[o]=a,u=o+d,a.__=e,a.__b=e.__b+1,c=null,(l=a.__i=yn(a,r,u,w))!=-1&&(w--,(c=r[l])&&(c.__u|=2)),c==null||c.__v==null?(l==-1&&(s>_?d--:s<_&&d++),typeof a.type!="function"&&(a.__u|=4)):l!=u&&(l==u-1?d--:l==u+1?d++:(l>u?d--:d++,a.__u|=4))):e.__k[o]=null;if(w)for(o=0;o<_;o++)(c=r[o])!=null&&(2&c.__u)==0&&(c.__e==i&&(i=fe(c)),kt(c,c));return i}function At(e,t,r){var i,s;if(typeof e.type=="function"){for(i=e.__k,s=0;i&&s<i.length;s++)i[s]&&(i[s].__=e,t=At(i[s],t,r));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=fe(e)),t=r.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function yn(e,t,r,i){var s,o,a,c=e.key,u=e.type,l=t[r],_=l!=null&&(2&l.__u)==0;if(l===null&&c==null||_&&c==l.key&&u==l.type)return r;if(i>(_?1:0)){for(s=r-1,o=r+1;s>=0||o<t.length;)if((l=t[a=s>=0?s--:o++])!=null&&(2&l.__u)==0&&c==l.key&&u==l.type)return a}return-1}function Ct(e,t,r){t[0]=="-"?e.setProperty(t,r??""):e[t]=r==null?"":typeof r!="number"||pn.test(t)?r:r+"px"}function qe(e,t,r,i,s){var o,a;e:if(t=="style")if(typeof r=="string")e.style.cssText=r;else{if(typeof i=="string"&&(e.style.cssText=i=""),i)for(t in i)r&&t in r||Ct(e.style,t,"");if(r)for(t in r)i&&r[t]==i[t]||Ct(e.style,t,r[t])}else if(t[0]=="o"&&t[1]=="n")o=t!=(t=t.replace(bt,"$1")),a=t.toLowerCase(),t=a in e||t=="onFocusOut"||t=="onFocusIn"?a.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+o]=r,r?i?r[Ee]=i[Ee]:(r[Ee]=tt,e.addEventListener(t,o?rt:nt,o)):e.removeEventListener(t,o?rt:nt,o);else{if(s=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=r??"";break e}catch{}typeof r=="function"||(r==null||r===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&r==1?"":r))}}function $t(e){return function(t){if(this.l){var r=this.l[t.type+e];if(t[Ne]==null)t[Ne]=tt++;else if(t[Ne]<r[Ee])return;return r(S.event?S.event(t):t)}}}function at(e,t,r,i,s,o,a,c,u,l){var _,w,d,m,$,k,R,g,f,A,y,O,F,Z,ee,v,N=t.type;if(t.constructor!==void 0)return null;128&r.__u&&(u=!!(32&r.__u),o=[c=t.__e=r.__e]),(_=S.__b)&&_(t);e:if(typeof N=="function"){w=a.length;try{if(f=t.props,A=N.prototype&&N.prototype.render,y=(_=N.contextType)&&i[_.__c],O=_?y?y.props.value:_.__:i,r.__c?g=(d=t.__c=r.__c).__=d.__E:(A?t.__c=d=new N(f,O):(t.__c=d=new Le(f,O),d.constructor=N,d.render=bn),y&&y.sub(d),d.state||(d.state={}),d.__n=i,m=d.__d=!0,d.__h=[],d._sb=[]),A&&d.__s==null&&(d.__s=d.state),A&&N.getDerivedStateFromProps!=null&&(d.__s==d.state&&(d.__s=ae({},d.__s)),ae(d.__s,N.getDerivedStateFromProps(f,d.__s))),$=d.props,k=d.state,d.__v=t,m)A&&N.getDerivedStateFromProps==null&&d.componentWillMount!=null&&d.componentWillMount(),A&&d.componentDidMount!=null&&d.__h.push(d.componentDidMount);else{if(A&&N.getDerivedStateFromProps==null&&f!==$&&d.componentWillReceiveProps!=null&&d.componentWillReceiveProps(f,O),t.__v==r.__v||!d.__e&&d.shouldComponentUpdate!=null&&d.shouldComponentUpdate(f,d.__s,O)===!1){t.__v!=r.__v&&(d.props=f,d.state=d.__s,d.__d=!1),t.__e=r.__e,t.__k=r.__k,t.__k.some(function(j){j&&(j.__=t)}),De.push.apply(d.__h,d._sb),d._sb=[],d.__h.length&&a.push(d),c=fe(r);break e}d.componentWillUpdate!=null&&d.componentWillUpdate(f,d.__s,O),A&&d.componentDidUpdate!=null&&d.__h.push(function(){d.componentDidUpdate($,k,R)})}if(d.context=O,d.props=f,d.__P=e,d.__e=!1,F=S.__r,Z=0,A)d.state=d.__s,d.__d=!1,F&&F(t),_=d.render(d.props,d.state,d.context),De.push.apply(d.__h,d._sb),d._sb=[];else do d.__d=!1,F&&F(t),_=d.render(d.props,d.state,d.context),d.state=d.__s;while(d.__d&&++Z<25);d.state=d.__s,d.getChildContext!=null&&(i=ae(ae({},i),d.getChildContext())),A&&!m&&d.getSnapshotBeforeUpdate!=null&&(R=d.getSnapshotBeforeUpdate($,k)),ee=_!=null&&_.type===z&&_.key==null?Rt(_.props.children):_,c=Et(e,Pe(ee)?ee:[ee],t,r,i,s,o,a,c,u,l),d.base=t.__e,t.__u&=-161,d.__h.length&&a.push(d),g&&(d.__E=d.__=null)}catch(j){if(a.length=w,t.__v=null,u||o!=null){if(j.then){for(t.__u|=u?160:128;c&&c.nodeType==8&&c.nextSibling;)c=c.nextSibling;o!=null&&(o[o.indexOf(c)]=null),t.__e=c}else if(o!=null)for(v=o.length;v--;)it(o[v])}else t.__e=r.__e;t.__k==null&&(t.__k=r.__k||[]),j.then||It(t),S.__e(j,t,r)}}else o==null&&t.__v==r.__v?(t.__k=r.__k,t.__e=r.__e):c=t.__e=vn(r.__e,t,r,i,s,o,a,u,l);return(_=S.diffed)&&_(t),128&t.__u?void 0:c}function It(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(It))}function Tt(e,t,r){for(var i=0;i<r.length;i++)st(r[i],r[++i],r[++i]);S.__c&&S.__c(t,e),e.some(function(s){try{e=s.__h,s.__h=[],e.some(function(o){o.call(s)})}catch(o){S.__e(o,s.__v)}})}function Rt(e){return typeof e!="object"||e==null||e.__b>0?e:Pe(e)?e.map(Rt):e.constructor!==void 0?null:ae({},e)}function vn(e,t,r,i,s,o,a,c,u){var l,_,w,d,m,$,k,R=r.props||xe,g=t.props,f=t.type;if(f=="svg"?s="http://www.w3.org/2000/svg":f=="math"?s="http://www.w3.org/1998/Math/MathML":s||(s="http://www.w3.org/1999/xhtml"),o!=null){for(l=0;l<o.length;l++)if((m=o[l])&&"setAttribute"in m==!!f&&(f?m.localName==f:m.nodeType==3)){e=m,o[l]=null;break}}if(e==null){if(f==null)return document.createTextNode(g);e=document.createElementNS(s,f,g.is&&g),c&&(S.__m&&S.__m(t,o),c=!1),o=null}if(f==null)R===g||c&&e.data==g||(e.data=g);else{if(o=f=="textarea"&&g.defaultValue!=null?null:o&&ie.call(e.childNodes),!c&&o!=null)for(R={},l=0;l<e.attributes.length;l++)R[(m=e.attributes[l]).name]=m.value;for(l in R)m=R[l],l=="dangerouslySetInnerHTML"?w=m:l=="children"||l in g||l=="value"&&"defaultValue"in g||l=="checked"&&"defaultChecked"in g||qe(e,l,null,m,s);for(l in g)m=g[l],l=="children"?d=m:l=="dangerouslySetInnerHTML"?_=m:l=="value"?$=m:l=="checked"?k=m:c&&typeof m!="function"||R[l]===m||qe(e,l,m,R[l],s);if(_)c||w&&(_.__html==w.__html||_.__html==e.innerHTML)||(e.innerHTML=_.__html),t.__k=[];else if(w&&(e.innerHTML=""),Et(t.type=="template"?e.content:e,Pe(d)?d:[d],t,r,i,f=="foreignObject"?"http://www.w3.org/1999/xhtml":s,o,a,o?o[0]:r.__k&&fe(r,0),c,u),o!=null)for(l=o.length;l--;)it(o[l]);c&&f!="textarea"||(l="value",f=="progress"&&$==null?e.removeAttribute("value"):$!=null&&($!==e[l]||f=="progress"&&!$||f=="option"&&$!=R[l])&&qe(e,l,$,R[l],s),l="checked",k!=null&&k!=e[l]&&qe(e,l,k,R[l],s))}return e}function st(e,t,r){try{if(typeof e=="function"){var i=typeof e.__u=="function";i&&e.__u(),i&&t==null||(e.__u=e(t))}else e.current=t}catch(s){S.__e(s,r)}}function kt(e,t,r){var i,s;if(S.unmount&&S.unmount(e),(i=e.ref)&&(i.current&&i.current!=e.__e||st(i,null,t)),(i=e.__c)!=null){if(i.componentWillUnmount)try{i.componentWillUnmount()}catch(o){S.__e(o,t)}i.base=i.__P=i.__n=null}if(i=e.__k)for(s=0;s<i.length;s++)i[s]&&kt(i[s],t,r||typeof e.type!="function");r||it(e.__e),e.__c=e.__=e.__e=void 0}function bn(e,t,r){return this.constructor(e,r)}function wn(e,t,r){var i,s,o,a;t==document&&(t=document.documentElement),S.__&&S.__(e,t),s=(i=!1)?null:t.__k,o=[],a=[],at(t,e=t.__k=_n(z,null,[e]),s||xe,xe,t.namespaceURI,s?null:t.firstChild?ie.call(t.childNodes):null,o,s?s.__e:t.firstChild,i,a),Tt(o,e,a),e.props.children=null}function Sn(e){function t(r){var i,s;return this.getChildContext||(i=new Set,(s={})[t.__c]=this,this.getChildContext=function(){return s},this.componentWillUnmount=function(){i=null},this.shouldComponentUpdate=function(o){this.props.value!=o.value&&i.forEach(function(a){a.__e=!0,ot(a)})},this.sub=function(o){i.add(o);var a=o.componentWillUnmount;o.componentWillUnmount=function(){i&&i.delete(o),a&&a.call(o)}}),r.children}return t.__c="__cC"+wt++,t.__=e,t.Provider=t.__l=(t.Consumer=function(r,i){return r.children(i)}).contextType=t,t}ie=De.slice,S={__e:function(e,t,r,i){for(var s,o,a;t=t.__;)if((s=t.__c)&&!s.__)try{if((o=s.constructor)&&o.getDerivedStateFromError!=null&&(s.setState(o.getDerivedStateFromError(e)),a=s.__d),s.componentDidCatch!=null&&(s.componentDidCatch(e,i||{}),a=s.__d),a)return s.__E=s}catch(c){e=c}throw e}},he=0,Le.prototype.setState=function(e,t){var r;r=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=ae({},this.state),typeof e=="function"&&(e=e(ae({},r),this.props)),e&&ae(r,e),e!=null&&this.__v&&(t&&this._sb.push(t),ot(this))},Le.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),ot(this))},Le.prototype.render=z,de=[],yt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,vt=function(e,t){return e.__v.__b-t.__v.__b},Fe.__r=0,et=Math.random().toString(8),Ne="__d"+et,Ee="__a"+et,bt=/(PointerCapture)$|Capture$/i,tt=0,nt=$t(!1),rt=$t(!0),wt=0;var En=0;function n(e,t,r,i,s,o){t||(t={});var a,c,u=t;if("ref"in u)for(c in u={},t)c=="ref"?a=t[c]:u[c]=t[c];var l={type:e,props:u,key:r,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--En,__i:-1,__u:0,__source:s,__self:o};if(typeof e=="function"&&(a=e.defaultProps))for(c in a)u[c]===void 0&&(u[c]=a[c]);return S.vnode&&S.vnode(l),l}var me,D,ct,Nt,Ue=0,xt=[],U=S,Dt=U.__b,Pt=U.__r,Ot=U.diffed,Lt=U.__c,Ft=U.unmount,qt=U.__;function He(e,t){U.__h&&U.__h(D,e,Ue||t),Ue=0;var r=D.__H||(D.__H={__:[],__h:[]});return e>=r.__.length&&r.__.push({}),r.__[e]}function H(e){return Ue=1,An(Mt,e)}function An(e,t,r){var i=He(me++,2);if(i.t=e,!i.__c&&(i.__=[Mt(void 0,t),function(c){var u=i.__N?i.__N[0]:i.__[0],l=i.t(u,c);u!==l&&(i.__N=[l,i.__[1]],i.__c.setState({}))}],i.__c=D,!D.__f)){var s=function(c,u,l){if(!i.__c.__H)return!0;var _=!1,w=i.__c.props!==c;if(i.__c.__H.__.some(function(m){if(m.__N){_=!0;var $=m.__[0];m.__=m.__N,m.__N=void 0,$!==m.__[0]&&(w=!0)}}),o){var d=o.call(this,c,u,l);return _?d||w:d}return!_||w};D.__f=!0;var o=D.shouldComponentUpdate,a=D.componentWillUpdate;D.componentWillUpdate=function(c,u,l){if(this.__e){var _=o;o=void 0,s(c,u,l),o=_}a&&a.call(this,c,u,l)},D.shouldComponentUpdate=s}return i.__N||i.__}function Ae(e,t){var r=He(me++,3);!U.__s&&Vt(r.__H,t)&&(r.__=e,r.u=t,D.__H.__h.push(r))}function Ce(e){return Ue=5,Ut(function(){return{current:e}},[])}function Ut(e,t){var r=He(me++,7);return Vt(r.__H,t)&&(r.__=e(),r.__H=t,r.__h=e),r.__}function Cn(e){var t=D.context[e.__c],r=He(me++,9);return r.c=e,t?(r.__==null&&(r.__=!0,t.sub(D)),t.props.value):e.__}function $n(){for(var e;e=xt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(Ve),t.__h.some(lt),t.__h=[]}catch(r){t.__h=[],U.__e(r,e.__v)}}}U.__b=function(e){D=null,Dt&&Dt(e)},U.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),qt&&qt(e,t)},U.__r=function(e){Pt&&Pt(e),me=0;var t=(D=e.__c).__H;t&&(ct===D?(t.__h=[],D.__h=[],t.__.some(function(r){r.__N&&(r.__=r.__N),r.u=r.__N=void 0})):(t.__h.some(Ve),t.__h.some(lt),t.__h=[],me=0)),ct=D},U.diffed=function(e){Ot&&Ot(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(xt.push(t)!==1&&Nt===U.requestAnimationFrame||((Nt=U.requestAnimationFrame)||In)($n)),t.__H.__.some(function(r){r.u&&(r.__H=r.u,r.u=void 0)})),ct=D=null},U.__c=function(e,t){t.some(function(r){try{r.__h.some(Ve),r.__h=r.__h.filter(function(i){return!i.__||lt(i)})}catch(i){t.some(function(s){s.__h&&(s.__h=[])}),t=[],U.__e(i,r.__v)}}),Lt&&Lt(e,t)},U.unmount=function(e){Ft&&Ft(e);var t,r=e.__c;r&&r.__H&&(r.__H.__.some(function(i){try{Ve(i)}catch(s){t=s}}),r.__H=void 0,t&&U.__e(t,r.__v))};var Ht=typeof requestAnimationFrame=="function";function In(e){var t,r=function(){clearTimeout(i),Ht&&cancelAnimationFrame(t),setTimeout(e)},i=setTimeout(r,35);Ht&&(t=requestAnimationFrame(r))}function Ve(e){var t=D,r=e.__c;typeof r=="function"&&(e.__c=void 0,r()),D=t}function lt(e){var t=D;e.__c=e.__(),D=t}function Vt(e,t){return!e||e.length!==t.length||t.some(function(r,i){return r!==e[i]})}function Mt(e,t){return typeof t=="function"?t(e):t}var Me={DOCUMENT:"Document",FRAGMENT_DEFINITION:"FragmentDefinition"};class Tn extends Error{constructor(t,r,i,s,o,a,c){super(t),this.name="GraphQLError",this.message=t,o&&(this.path=o),r&&(this.nodes=Array.isArray(r)?r:[r]),i&&(this.source=i),s&&(this.positions=s),a&&(this.originalError=a);var u=c;if(!u&&a){var l=a.extensions;l&&typeof l=="object"&&(u=l)}this.extensions=u||{}}toJSON(){return{...this,message:this.message}}toString(){return this.message}get[Symbol.toStringTag](){return"GraphQLError"}}var p,h;function Y(e){return new Tn(`Syntax Error: Unexpected token at ${h} in ${e}`)}function Bt(e){if(e.lastIndex=h,e.test(p))return p.slice(h,h=e.lastIndex)}var Be=/ +(?=[^\s])/y;function Rn(e){for(var t=e.split(`
`),r="",i=0,s=0,o=t.length-1,a=0;a<t.length;a++)Be.lastIndex=0,Be.test(t[a])&&(a&&(!i||Be.lastIndex<i)&&(i=Be.lastIndex),s=s||a,o=a);for(var c=s;c<=o;c++)c!==s&&(r+=`
`),r+=t[c].slice(i).replace(/\\"""/g,'"""');return r}function E(){for(var e=0|p.charCodeAt(h++);e===9||e===10||e===13||e===32||e===35||e===44||e===65279;e=0|p.charCodeAt(h++))if(e===35)for(;(e=0|p.charCodeAt(h++))&&e!==10&&e!==13;);h--}function dt(){for(var e=h,t=0|p.charCodeAt(h++);t>=48&&t<=57||t>=65&&t<=90||t===95||t>=97&&t<=122;t=0|p.charCodeAt(h++));if(e===h-1)throw Y("Name");var r=p.slice(e,--h);return E(),r}function J(){return{kind:"Name",value:dt()}}var kn=/(?:"""|(?:[\s\S]*?[^\\])""")/y,Nn=/(?:(?:\.\d+)?[eE][+-]?\d+|\.\d+)/y;function ge(e){var t;switch(p.charCodeAt(h)){case 91:h++,E();for(var r=[];p.charCodeAt(h)!==93;)r.push(ge(e));return h++,E(),{kind:"ListValue",values:r};case 123:h++,E();for(var i=[];p.charCodeAt(h)!==125;){var s=J();if(p.charCodeAt(h++)!==58)throw Y("ObjectField");E(),i.push({kind:"ObjectField",name:s,value:ge(e)})}return h++,E(),{kind:"ObjectValue",fields:i};case 36:if(e)throw Y("Variable");return h++,{kind:"Variable",name:J()};case 34:if(p.charCodeAt(h+1)===34&&p.charCodeAt(h+2)===34){if(h+=3,(t=Bt(kn))==null)throw Y("StringValue");return E(),{kind:"StringValue",value:Rn(t.slice(0,-3)),block:!0}}else{var o=h,a;h++;var c=!1;for(a=0|p.charCodeAt(h++);a===92&&(h++,c=!0)||a!==10&&a!==13&&a!==34&&a;a=0|p.charCodeAt(h++));if(a!==34)throw Y("StringValue");return t=p.slice(o,h),E(),{kind:"StringValue",value:c?JSON.parse(t):t.slice(1,-1),block:!1}}case 45:case 48:case 49:case 50:case 51:case 52:case 53:case 54:case 55:case 56:case 57:for(var u=h++,l;(l=0|p.charCodeAt(h++))>=48&&l<=57;);var _=p.slice(u,--h);if((l=p.charCodeAt(h))===46||l===69||l===101){if((t=Bt(Nn))==null)throw Y("FloatValue");return E(),{kind:"FloatValue",value:_+t}}else return E(),{kind:"IntValue",value:_};case 110:if(p.charCodeAt(h+1)===117&&p.charCodeAt(h+2)===108&&p.charCodeAt(h+3)===108)return h+=4,E(),{kind:"NullValue"};break;case 116:if(p.charCodeAt(h+1)===114&&p.charCodeAt(h+2)===117&&p.charCodeAt(h+3)===101)return h+=4,E(),{kind:"BooleanValue",value:!0};break;case 102:if(p.charCodeAt(h+1)===97&&p.charCodeAt(h+2)===108&&p.charCodeAt(h+3)===115&&p.charCodeAt(h+4)===101)return h+=5,E(),{kind:"BooleanValue",value:!1};break}return{kind:"EnumValue",value:dt()}}function Wt(e){if(p.charCodeAt(h)===40){var t=[];h++,E();do{var r=J();if(p.charCodeAt(h++)!==58)throw Y("Argument");E(),t.push({kind:"Argument",name:r,value:ge(e)})}while(p.charCodeAt(h)!==41);return h++,E(),t}}function ue(e){if(p.charCodeAt(h)===64){var t=[];do h++,t.push({kind:"Directive",name:J(),arguments:Wt(e)});while(p.charCodeAt(h)===64);return t}}function xn(){for(var e=0;p.charCodeAt(h)===91;)e++,h++,E();var t={kind:"NamedType",name:J()};do if(p.charCodeAt(h)===33&&(h++,E(),t={kind:"NonNullType",type:t}),e){if(p.charCodeAt(h++)!==93)throw Y("NamedType");E(),t={kind:"ListType",type:t}}while(e--);return t}function We(){if(p.charCodeAt(h++)!==123)throw Y("SelectionSet");return E(),Ge()}function Ge(){var e=[];do if(p.charCodeAt(h)===46){if(p.charCodeAt(++h)!==46||p.charCodeAt(++h)!==46)throw Y("SelectionSet");switch(h++,E(),p.charCodeAt(h)){case 64:e.push({kind:"InlineFragment",typeCondition:void 0,directives:ue(!1),selectionSet:We()});break;case 111:p.charCodeAt(h+1)===110?(h+=2,E(),e.push({kind:"InlineFragment",typeCondition:{kind:"NamedType",name:J()},directives:ue(!1),selectionSet:We()})):e.push({kind:"FragmentSpread",name:J(),directives:ue(!1)});break;case 123:h++,E(),e.push({kind:"InlineFragment",typeCondition:void 0,directives:void 0,selectionSet:Ge()});break;default:e.push({kind:"FragmentSpread",name:J(),directives:ue(!1)})}}else{var t=J(),r=void 0;p.charCodeAt(h)===58&&(h++,E(),r=t,t=J());var i=Wt(!1),s=ue(!1),o=void 0;p.charCodeAt(h)===123&&(h++,E(),o=Ge()),e.push({kind:"Field",alias:r,name:t,arguments:i,directives:s,selectionSet:o})}while(p.charCodeAt(h)!==125);return h++,E(),{kind:"SelectionSet",selections:e}}function Dn(){if(E(),p.charCodeAt(h)===40){var e=[];h++,E();do{var t=void 0;if(p.charCodeAt(h)===34&&(t=ge(!0)),p.charCodeAt(h++)!==36)throw Y("Variable");var r=J();if(p.charCodeAt(h++)!==58)throw Y("VariableDefinition");E();var i=xn(),s=void 0;p.charCodeAt(h)===61&&(h++,E(),s=ge(!0)),E();var o={kind:"VariableDefinition",variable:{kind:"Variable",name:r},type:i,defaultValue:s,directives:ue(!0)};t&&(o.description=t),e.push(o)}while(p.charCodeAt(h)!==41);return h++,E(),e}}function Pn(e){var t=J();if(p.charCodeAt(h++)!==111||p.charCodeAt(h++)!==110)throw Y("FragmentDefinition");E();var r={kind:"FragmentDefinition",name:t,typeCondition:{kind:"NamedType",name:J()},directives:ue(!1),selectionSet:We()};return e&&(r.description=e),r}function On(){var e=[];do{var t=void 0;if(p.charCodeAt(h)===34&&(t=ge(!0)),p.charCodeAt(h)===123){if(t)throw Y("Document");h++,E(),e.push({kind:"OperationDefinition",operation:"query",name:void 0,variableDefinitions:void 0,directives:void 0,selectionSet:Ge()})}else{var r=dt();switch(r){case"fragment":e.push(Pn(t));break;case"query":case"mutation":case"subscription":var i,s=void 0;(i=p.charCodeAt(h))!==40&&i!==64&&i!==123&&(s=J());var o={kind:"OperationDefinition",operation:r,name:s,variableDefinitions:Dn(),directives:ue(!1),selectionSet:We()};t&&(o.description=t),e.push(o);break;default:throw Y("Document")}}}while(h<p.length);return e}function Ln(e,t){if(p=e.body?e.body:e,h=0,E(),!t)return{kind:"Document",definitions:On(),loc:{start:0,end:p.length,startToken:void 0,endToken:void 0,source:{body:p,name:"graphql.web",locationOffset:{line:1,column:1}}}}}function K(e,t,r){for(var i="",s=0;s<e.length;s++)s&&(i+=t),i+=r(e[s]);return i}function Fn(e){return JSON.stringify(e)}function qn(e){return`"""
`+e.replace(/"""/g,'\\"""')+`
"""`}var oe=`
`,L={OperationDefinition(e){var t="";e.description&&(t+=L.StringValue(e.description)+`
`),t+=e.operation,e.name&&(t+=" "+e.name.value),e.variableDefinitions&&e.variableDefinitions.length&&(e.name||(t+=" "),t+="("+K(e.variableDefinitions,", ",L.VariableDefinition)+")"),e.directives&&e.directives.length&&(t+=" "+K(e.directives," ",L.Directive));var r=L.SelectionSet(e.selectionSet);return t!=="query"?t+" "+r:r},VariableDefinition(e){var t="";return e.description&&(t+=L.StringValue(e.description)+" "),t+=L.Variable(e.variable)+": "+se(e.type),e.defaultValue&&(t+=" = "+se(e.defaultValue)),e.directives&&e.directives.length&&(t+=" "+K(e.directives," ",L.Directive)),t},Field(e){var t=e.alias?e.alias.value+": "+e.name.value:e.name.value;if(e.arguments&&e.arguments.length){var r=K(e.arguments,", ",L.Argument);t.length+r.length+2>80?t+="("+(oe+="  ")+K(e.arguments,oe,L.Argument)+(oe=oe.slice(0,-2))+")":t+="("+r+")"}return e.directives&&e.directives.length&&(t+=" "+K(e.directives," ",L.Directive)),e.selectionSet&&e.selectionSet.selections.length&&(t+=" "+L.SelectionSet(e.selectionSet)),t},StringValue(e){return e.block?qn(e.value).replace(/\n/g,oe):Fn(e.value)},BooleanValue:e=>""+e.value,NullValue:e=>"null",IntValue:e=>e.value,FloatValue:e=>e.value,EnumValue:e=>e.value,Name:e=>e.value,Variable:e=>"$"+e.name.value,ListValue:e=>"["+K(e.values,", ",se)+"]",ObjectValue:e=>"{"+K(e.fields,", ",L.ObjectField)+"}",ObjectField:e=>e.name.value+": "+se(e.value),Document(e){return!e.definitions||!e.definitions.length?"":K(e.definitions,`

`,se)},SelectionSet:e=>"{"+(oe+="  ")+K(e.selections,oe,se)+(oe=oe.slice(0,-2))+"}",Argument:e=>e.name.value+": "+se(e.value),FragmentSpread(e){var t="..."+e.name.value;return e.directives&&e.directives.length&&(t+=" "+K(e.directives," ",L.Directive)),t},InlineFragment(e){var t="...";return e.typeCondition&&(t+=" on "+e.typeCondition.name.value),e.directives&&e.directives.length&&(t+=" "+K(e.directives," ",L.Directive)),t+=" "+L.SelectionSet(e.selectionSet)},FragmentDefinition(e){var t="";return e.description&&(t+=L.StringValue(e.description)+`
`),t+="fragment "+e.name.value,t+=" on "+e.typeCondition.name.value,e.directives&&e.directives.length&&(t+=" "+K(e.directives," ",L.Directive)),t+" "+L.SelectionSet(e.selectionSet)},Directive(e){var t="@"+e.name.value;return e.arguments&&e.arguments.length&&(t+="("+K(e.arguments,", ",L.Argument)+")"),t},NamedType:e=>e.name.value,ListType:e=>"["+se(e.type)+"]",NonNullType:e=>se(e.type)+"!"},se=e=>L[e.kind](e);function Gt(e){return oe=`
`,L[e.kind]?L[e.kind](e):""}function X(e){return e===null?"null":Array.isArray(e)?"array":typeof e}function pe(e){return X(e)==="object"}function Un(e){return Array.isArray(e)&&e.length>0&&e.every(t=>"message"in t)}function jt(e,t){return e.length<124?e:t}const Hn="graphql-transport-ws";var te=(e=>(e[e.InternalServerError=4500]="InternalServerError",e[e.InternalClientError=4005]="InternalClientError",e[e.BadRequest=4400]="BadRequest",e[e.BadResponse=4004]="BadResponse",e[e.Unauthorized=4401]="Unauthorized",e[e.Forbidden=4403]="Forbidden",e[e.SubprotocolNotAcceptable=4406]="SubprotocolNotAcceptable",e[e.ConnectionInitialisationTimeout=4408]="ConnectionInitialisationTimeout",e[e.ConnectionAcknowledgementTimeout=4504]="ConnectionAcknowledgementTimeout",e[e.SubscriberAlreadyExists=4409]="SubscriberAlreadyExists",e[e.TooManyInitialisationRequests=4429]="TooManyInitialisationRequests",e))(te||{}),ne=(e=>(e.ConnectionInit="connection_init",e.ConnectionAck="connection_ack",e.Ping="ping",e.Pong="pong",e.Subscribe="subscribe",e.Next="next",e.Error="error",e.Complete="complete",e))(ne||{});function Qt(e){if(!pe(e))throw new Error(`Message is expected to be an object, but got ${X(e)}`);if(!e.type)throw new Error("Message is missing the 'type' property");if(typeof e.type!="string")throw new Error(`Message is expects the 'type' property to be a string, but got ${X(e.type)}`);switch(e.type){case"connection_init":case"connection_ack":case"ping":case"pong":{if(e.payload!=null&&!pe(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break}case"subscribe":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${X(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!pe(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${X(e.payload)}`);if(typeof e.payload.query!="string")throw new Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${X(e.payload.query)}`);if(e.payload.variables!=null&&!pe(e.payload.variables))throw new Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${X(e.payload.variables)}`);if(e.payload.operationName!=null&&X(e.payload.operationName)!=="string")throw new Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${X(e.payload.operationName)}`);if(e.payload.extensions!=null&&!pe(e.payload.extensions))throw new Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${X(e.payload.extensions)}`);break}case"next":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${X(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!pe(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${X(e.payload)}`);break}case"error":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${X(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Un(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break}case"complete":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${X(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);break}default:throw new Error(`Invalid message 'type' property "${e.type}"`)}return e}function Vn(e,t){return Qt(typeof e=="string"?JSON.parse(e,t):e)}function $e(e,t){return Qt(e),JSON.stringify(e,t)}function Mn(e){const{url:t,connectionParams:r,lazy:i=!0,onNonLazyError:s=console.error,lazyCloseTimeout:o=0,keepAlive:a=0,disablePong:c,connectionAckWaitTimeout:u=0,retryAttempts:l=5,retryWait:_=async function(x){const b=Math.pow(2,x);await new Promise(T=>setTimeout(T,b*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:w=ut,on:d,webSocketImpl:m,generateID:$=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,x=>{const b=Math.random()*16|0;return(x=="x"?b:b&3|8).toString(16)})},jsonMessageReplacer:k,jsonMessageReviver:R}=e;let g;if(m){if(!Wn(m))throw new Error("Invalid WebSocket implementation provided");g=m}else typeof WebSocket<"u"?g=WebSocket:typeof global<"u"?g=global.WebSocket||global.MozWebSocket:typeof window<"u"&&(g=window.WebSocket||window.MozWebSocket);if(!g)throw new Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");const f=g,A=(()=>{const C=(()=>{const b={};return{on(T,V){return b[T]=V,()=>{delete b[T]}},emit(T){"id"in T&&b[T.id]?.(T)}}})(),x={connecting:d?.connecting?[d.connecting]:[],opened:d?.opened?[d.opened]:[],connected:d?.connected?[d.connected]:[],ping:d?.ping?[d.ping]:[],pong:d?.pong?[d.pong]:[],message:d?.message?[C.emit,d.message]:[C.emit],closed:d?.closed?[d.closed]:[],error:d?.error?[d.error]:[]};return{onMessage:C.on,on(b,T){const V=x[b];return V.push(T),()=>{const M=V.indexOf(T);M>-1&&V.splice(M,1)}},emit(b,...T){for(const V of[...x[b]])V(...T)}}})();function y(C){const x=[A.on("error",b=>{x.forEach(T=>T()),C(b)}),A.on("closed",b=>{x.forEach(T=>T()),C(b)})];return()=>x.forEach(b=>b())}let O,F=0,Z,ee=!1,v=0,N=!1;async function j(){clearTimeout(Z);const[C,x]=await(O??(O=new Promise((V,M)=>(async()=>{if(ee){if(await _(v),!F)return O=void 0,M({code:1e3,reason:"All Subscriptions Gone"});v++}A.emit("connecting",ee);const I=new f(typeof t=="function"?await t():t,Hn);let le,be;function Ze(){isFinite(a)&&a>0&&(clearTimeout(be),be=setTimeout(()=>{I.readyState===f.OPEN&&(I.send($e({type:ne.Ping})),A.emit("ping",!1,void 0))},a))}y(Q=>{O=void 0,clearTimeout(le),clearTimeout(be),M(Q),Q instanceof zt&&(I.close(4499,"Terminated"),I.onerror=null,I.onclose=null)}),I.onerror=Q=>A.emit("error",Q),I.onclose=Q=>A.emit("closed",Q),I.onopen=async()=>{try{A.emit("opened",I);const Q=typeof r=="function"?await r():r;if(I.readyState!==f.OPEN)return;I.send($e(Q?{type:ne.ConnectionInit,payload:Q}:{type:ne.ConnectionInit},k)),isFinite(u)&&u>0&&(le=setTimeout(()=>{I.close(te.ConnectionAcknowledgementTimeout,"Connection acknowledgement timeout")},u)),Ze()}catch(Q){A.emit("error",Q),I.close(te.InternalClientError,jt(Q instanceof Error?Q.message:String(Q),"Internal client error"))}};let we=!1;I.onmessage=({data:Q})=>{try{const G=Vn(Q,R);if(A.emit("message",G),G.type==="ping"||G.type==="pong"){A.emit(G.type,!0,G.payload),G.type==="pong"?Ze():c||(I.send($e(G.payload?{type:ne.Pong,payload:G.payload}:{type:ne.Pong},k)),A.emit("pong",!1,G.payload));return}if(we)return;if(G.type!==ne.ConnectionAck)throw new Error(`First message cannot be of type ${G.type}`);clearTimeout(le),we=!0,A.emit("connected",I,G.payload,ee),ee=!1,v=0;const fn=new Promise((Fr,Dr)=>y(Dr));fn.catch(()=>{}),V([I,fn])}catch(G){I.onmessage=null,A.emit("error",G),I.close(te.BadResponse,jt(G instanceof Error?G.message:String(G),"Bad response"))}}})())));C.readyState===f.CLOSING&&await x;let b=()=>{};const T=new Promise(V=>b=V);return[C,b,new Promise((V,M)=>{const I=y(M);C.readyState!==f.OPEN&&x.catch(M),T.then(()=>{if(I(),!F){const le=()=>C.close(1e3,"Normal Closure");isFinite(o)&&o>0?(clearTimeout(Z),Z=setTimeout(()=>{!F&&C.readyState===f.OPEN&&le()},o)):le()}V()})})]}function un(C){if(ut(C)&&(Bn(C.code)||[te.InternalServerError,te.InternalClientError,te.BadRequest,te.BadResponse,te.Unauthorized,te.SubprotocolNotAcceptable,te.SubscriberAlreadyExists,te.TooManyInitialisationRequests].includes(C.code)))throw C;if(N)return!1;if(ut(C)&&C.code===1e3)return F>0;if(!l||v>=l||!w(C))throw C;return ee=!0}i||(async()=>{for(F++;;)try{const[,,C]=await j();await C}catch(C){try{if(!un(C))return}catch(x){return s?.(x)}}})();function hn(C,x){const b=$(C);let T=!1,V=!1,M=()=>{F--,T=!0};return(async()=>{for(F++;;)try{const[I,le,be]=await j();if(T)return be.catch(()=>{}),le();const Ze=A.onMessage(b,we=>{switch(we.type){case ne.Next:{x.next(we.payload);return}case ne.Error:{V=!0,T=!0,x.error(we.payload),M();return}case ne.Complete:{T=!0,M();return}}});I.send($e({id:b,type:ne.Subscribe,payload:C},k)),M=()=>{!T&&I.readyState===f.OPEN&&I.send($e({id:b,type:ne.Complete},k)),F--,T=!0,le()},await be.finally(Ze);return}catch(I){if(!un(I))return}})().then(()=>{V||x.complete()}).catch(I=>{x.error(I)}),()=>{T||M()}}return{on:A.on,subscribe:hn,iterate(C){const x=[],b={done:!1,error:null,resolve:()=>{}},T=hn(C,{next(M){x.push(M),b.resolve()},error(M){b.done=!0,b.error=M,b.resolve()},complete(){b.done=!0,b.resolve()}}),V=(async function*(){for(;;){for(x.length||await new Promise(I=>b.resolve=I);x.length;)yield x.shift();if(b.error)throw b.error;if(b.done)return}})();return V.throw=async M=>(b.done||(b.done=!0,b.error=M,b.resolve()),{done:!0,value:void 0}),V.return=async()=>(T(),{done:!0,value:void 0}),V},async dispose(){if(N=!0,O){const[C]=await O;C.close(1e3,"Normal Closure")}},terminate(){O&&A.emit("closed",new zt)}}}class zt extends Error{constructor(){super(...arguments);Se(this,"name","TerminatedCloseEvent");Se(this,"message","4499: Terminated");Se(this,"code",4499);Se(this,"reason","Terminated");Se(this,"wasClean",!1)}}function ut(e){return pe(e)&&"code"in e&&"reason"in e}function Bn(e){return[1e3,1001,1006,1005,1012,1013,1014].includes(e)?!1:e>=1e3&&e<=1999}function Wn(e){return typeof e=="function"&&"constructor"in e&&"CLOSED"in e&&"CLOSING"in e&&"CONNECTING"in e&&"OPEN"in e}const Yt=4403;class Jt extends Error{constructor(t){super(Qe(t));const r=new Map,i=(s,o)=>{typeof s=="string"&&!r.has(s)&&r.set(s,String(o))};for(const s of t){if(!s||typeof s!="object")continue;const{message:o,extensions:a}=s;if(Array.isArray(a?.fields))for(const c of a.fields)i(c?.field,c?.message);i(a?.field,o)}this.fields=r}}function je(e){return e&&typeof e=="object"&&"code"in e&&typeof e.code=="number"?e.code:null}function Qe(e){if(Array.isArray(e))return e.map(r=>r&&typeof r=="object"&&"message"in r?String(r.message):String(r)).join("; ");const t=je(e);if(t!==null){const r=e.reason;return`the connection closed (${t}${r?`: ${r}`:""})`}return e instanceof Error?e.message:String(e)}function Gn(e,t,r){const i=Mn({url:e,connectionParams:()=>t?{Authorization:`Bearer ${t}`}:{},lazyCloseTimeout:5e3,shouldRetry:s=>je(s)!==null&&je(s)!==Yt,on:{closed:s=>{je(s)===Yt&&r(s.reason??"")}}});return{request(s,o){return new Promise((a,c)=>{let u;i.subscribe({query:Gt(s),variables:o},{next:l=>{l.errors?.length?c(new Jt(l.errors)):u=l.data},error:l=>c(new Error(Qe(l))),complete:()=>{u!==void 0?a(u):c(new Error("the gateway sent no data"))}})})},subscribe(s,o,a,c){return i.subscribe({query:Gt(s),variables:o},{next:u=>{u.errors?.length?c(Qe(u.errors)):u.data&&a(u.data)},error:u=>c(Qe(u)),complete:()=>{}})},dispose(){i.dispose()}}}const Kt=Sn(null);function Ie(){const e=Cn(Kt);if(!e)throw new Error("no gateway connection");return e}function ze(e,t){const r=Ie(),i=JSON.stringify(t),[s,o]=H(0),[a,c]=H({data:void 0,error:null,loading:!0,key:null}),u=Ce(0);Ae(()=>{const _=++u.current;c(w=>({...w,loading:!0})),r.request(e,JSON.parse(i)).then(w=>_===u.current&&c({data:w,error:null,loading:!1,key:i}),w=>_===u.current&&c(d=>({...d,error:w.message,loading:!1})))},[r,e,i,s]);const l=a.loading||a.key!==i&&a.error===null;return{data:a.data,error:a.error,loading:l,refetch:()=>o(_=>_+1)}}function ht(e,t,r){const i=Ie(),s=JSON.stringify(t),o=Ce(r);o.current=r;const[a,c]=H(null);return Ae(()=>(c(null),i.subscribe(e,JSON.parse(s),u=>o.current(u),c)),[i,e,s]),a}function Te(e,t,r,i,s){const o=Ce(()=>{}),a=ht(r,i,u=>{s?.(u),o.current()}),c=ze(e,t);return o.current=c.refetch,{...c,subscriptionError:a}}const Ye=(document.getElementById("dashboard")?.dataset.base??"/dashboard").replace(/\/$/,"");function Xt(){return{path:window.location.pathname.startsWith(Ye)&&window.location.pathname.slice(Ye.length)||"/",params:new URLSearchParams(window.location.search)}}const ft="dashboard:navigate";function q(e,t={}){const r=new URLSearchParams;for(const[s,o]of Object.entries(t))o!=null&&o!==""&&r.set(s,String(o));const i=r.toString();return`${Ye}${e==="/"?"":e}${i?`?${i}`:""}`}function Re(e){e!==window.location.pathname+window.location.search&&(window.history.pushState(null,"",e),window.dispatchEvent(new Event(ft)))}function jn(){const[e,t]=H(Xt);return Ae(()=>{const r=()=>t(Xt());return window.addEventListener("popstate",r),window.addEventListener(ft,r),()=>{window.removeEventListener("popstate",r),window.removeEventListener(ft,r)}},[]),e}function B(e){const t=r=>{r.button!==0||r.metaKey||r.ctrlKey||r.shiftKey||r.altKey||(r.preventDefault(),Re(e.to))};return n("a",{href:e.to,onClick:t,class:e.class,"data-testid":e.testid,children:e.children})}const Zt=20;function ye(e,t=""){const r=e.get(`${t}before`);return r?{last:Zt,before:r,first:null,after:null}:{first:Zt,after:e.get(`${t}after`),last:null,before:null}}function ve(e){const t=e.prefix??"",r=Object.fromEntries([...e.params.entries()].filter(([a])=>a!==`${t}after`&&a!==`${t}before`)),{pageInfo:i}=e,s=i.hasPreviousPage||e.params.has(`${t}after`),o=i.hasNextPage||e.params.has(`${t}before`);return n("nav",{class:"pager",children:[n("span",{class:"muted",children:[e.shown," shown of ",e.totalCount]}),s&&i.startCursor?n(B,{to:q(e.path,{...r,[`${t}before`]:i.startCursor}),testid:`${t}previous`,children:"‹ Previous"}):n("span",{class:"disabled",children:"‹ Previous"}),o&&i.endCursor?n(B,{to:q(e.path,{...r,[`${t}after`]:i.endCursor}),testid:`${t}next`,children:"Next ›"}):n("span",{class:"disabled",children:"Next ›"})]})}function re(e){const t=e.value??"—";return n("span",{class:`badge badge-${t.toLowerCase()}`,children:t})}function W(e){if(!e.value)return n("span",{class:"muted",children:"—"});const t=new Date(e.value),r=Number.isNaN(t.getTime())?e.value:t.toISOString().slice(0,19).replace("T"," ");return n("time",{dateTime:e.value,children:r})}function ce(e){return e.error?n("p",{class:"error",role:"alert",children:e.error}):null}function Je(e){return!e.type||e.id===null||e.id===void 0?n("span",{class:"muted",children:"—"}):n(B,{to:q("/records",{documentType:e.type,documentId:e.id,resolved:e.resolved??"false"}),children:[e.type," ",e.id]})}var en=0,pt=new Set;function tn(){function e(t,r){var i=Ln(t).definitions,s=new Set;for(var o of r||[])for(var a of o.definitions)a.kind===Me.FRAGMENT_DEFINITION&&!s.has(a)&&(i.push(a),s.add(a));var c;(c=i[0].kind===Me.FRAGMENT_DEFINITION)&&i[0].directives&&(i[0].directives=i[0].directives.filter((l=>l.name.value!=="_unmask")));var u;return{kind:Me.DOCUMENT,definitions:i,get loc(){if(!u&&c){var l=t+(function(w){try{en++;var d="";for(var m of w)if(!pt.has(m)){pt.add(m);var{loc:$}=m;$&&(d+=$.source.body)}return d}finally{--en==0&&pt.clear()}})(r||[]);return{start:0,end:l.length,source:{body:l,name:"GraphQLTada",locationOffset:{line:1,column:1}}}}return u},set loc(l){u=l}}}return e.scalar=function(r,i){return i},e.persisted=function(r,i){return{kind:Me.DOCUMENT,definitions:i?i.definitions:[],documentId:r}},e}tn();const P=tn(),_e=["PENDING","RUNNING","PAUSED","SUCCESSFUL","FAILED"],_t=["EXTERNAL_ORDER_HEADER","ORDER_HEADER","INVENTORY_TRANSACTION","INVOICE_HEADER","EXPENSE_REPORT","REQUISITION_HEADER","ACCOUNT","SUPPLIER","USER","ADDRESS","REMIT_TO_ADDRESS","CONTRACT","EXCHANGE_RATE","INVOICE","REQUISITION","PAYMENT","APPROVAL_CHAIN","LOOKUP_VALUE","ITEM","SUPPLIER_INFORMATION","ASN_HEADER","ACCOUNT_VALIDATION_RULE","CONTINGENT_WORK_ORDER_HEADER","PAYABLES_EXTERNAL_PAYABLE","CHARGE","PAYABLES_INVOICE","PAYABLES_EXPENSE","COUPA_PAY_PAYMENT","COUPA_PAY_STATEMENT","RECEIPT_REQUEST","INVENTORY_REQUEST_HEADER"];function nn(e){return _e.includes(e??"")}function rn(e){return _t.includes(e??"")}const on=["PENDING","DELIVERED","DEAD"],an=["WEBHOOK","EMAIL"],sn=["ALERT_RAISED","RUN_STATUS_CHANGED","RUN_FAILED","HISTORY_RECORD_CHANGED"],cn=["TECHNICAL","FUNCTIONAL"];function Ke(e,t){return e.includes(t??"")?t:null}const Qn=P(`
  query DashboardDeliveries(
    $filter: WebhookDeliveryFilter
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    webhookEndpoints {
      id
      url
    }
    webhookDeliveries(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        channel
        endpoint {
          id
          url
        }
        recipient
        eventType
        status
        attemptCount
        nextAttemptAt
        lastError
        lastStatusCode
        createdAt
        deliveredAt
        attempts {
          id
          attemptedAt
          statusCode
          latencyMs
          error
        }
      }
    }
  }
`),zn=P(`
  mutation DashboardRedeliver($id: Int!) {
    redeliverWebhookDelivery(id: $id) {
      id
      status
      nextAttemptAt
    }
  }
`),Yn=3e3;function Jn(e){const t=Ie(),{params:r}=e.location,i=Ke(on,r.get("status")),s=Ke(an,r.get("channel")),o=Ke(sn,r.get("eventType")),a=r.get("endpoint")??"",c=/^\d+$/.test(a)?Number(a):null,u={...i?{status:i}:{},...s?{channel:s}:{},...o?{eventType:o}:{},...c!==null?{endpointId:c}:{}},l=ze(Qn,{filter:u,...ye(r)}),{refetch:_}=l,w=Ce(_);w.current=_,Ae(()=>{const v=window.setInterval(()=>w.current(),Yn);return()=>window.clearInterval(v)},[]);const[d,m]=H(new Set),$=v=>m(N=>{const j=new Set(N);return j.delete(v)||j.add(v),j}),[k,R]=H(null),[g,f]=H(null),[A,y]=H(null),O=async v=>{R(v.id),f(null);try{const j=(await t.request(zn,{id:v.id})).redeliverWebhookDelivery;y(`Delivery #${j.id} redelivered: now ${j.status}.`),_()}catch(N){f(N instanceof Error?N.message:String(N))}finally{R(null)}},F=v=>{v.preventDefault();const N=new FormData(v.currentTarget);y(null),Re(q("/deliveries",{status:String(N.get("status")??""),channel:String(N.get("channel")??""),eventType:String(N.get("eventType")??""),endpoint:String(N.get("endpoint")??"")}))},Z=l.data?.webhookDeliveries,ee=l.data?.webhookEndpoints??[];return n("section",{class:"card",children:[n("h2",{children:"Deliveries"}),n("form",{class:"filters",onSubmit:F,onChange:v=>v.currentTarget.requestSubmit(),children:[n("label",{children:["Status"," ",n("select",{name:"status",value:i??"","data-testid":"filter-delivery-status",children:[n("option",{value:"",children:"all"}),on.map(v=>n("option",{value:v,children:v}))]})]}),n("label",{children:["Channel"," ",n("select",{name:"channel",value:s??"","data-testid":"filter-channel",children:[n("option",{value:"",children:"all"}),an.map(v=>n("option",{value:v,children:v}))]})]}),n("label",{children:["Event type"," ",n("select",{name:"eventType",value:o??"","data-testid":"filter-event-type",children:[n("option",{value:"",children:"all"}),sn.map(v=>n("option",{value:v,children:v}))]})]}),n("label",{children:["Endpoint"," ",n("select",{name:"endpoint",value:c===null?"":String(c),"data-testid":"filter-endpoint",children:[n("option",{value:"",children:"all"}),ee.map(v=>n("option",{value:String(v.id),children:["#",v.id," ",v.url]})),c!==null&&l.data&&!ee.some(v=>v.id===c)?n("option",{value:String(c),children:["#",c]}):null]})]})]}),n(ce,{error:l.error??g}),A?n("p",{class:"notice","data-testid":"notice",role:"status",children:A}):null,Z?n(z,{children:[n("table",{"data-testid":"deliveries","aria-busy":l.loading?"true":"false",children:[n("thead",{children:n("tr",{children:[n("th",{children:"Delivery"}),n("th",{children:"Time"}),n("th",{children:"Channel"}),n("th",{children:"Endpoint / recipient"}),n("th",{children:"Event"}),n("th",{children:"Status"}),n("th",{class:"num",children:"Attempts"}),n("th",{children:"Last error"}),n("th",{})]})}),Z.nodes.map(v=>n(Kn,{delivery:v,open:d.has(v.id),onToggle:()=>$(v.id),onRedeliver:()=>O(v),busy:k!==null}))]}),Z.nodes.length===0?n("p",{class:"muted","data-testid":"no-deliveries",children:"No deliveries match."}):null,n(ve,{path:"/deliveries",params:r,pageInfo:Z.pageInfo,totalCount:Z.totalCount,shown:Z.nodes.length})]}):l.error?null:n("p",{class:"muted",children:"Loading…"})]})}function Kn(e){const{delivery:t}=e,r=`delivery-${t.id}-attempts`;return n("tbody",{"data-delivery-id":t.id,children:[n("tr",{children:[n("td",{children:n("button",{type:"button",class:"link","aria-expanded":e.open?"true":"false","aria-controls":r,onClick:e.onToggle,title:"Show the attempts",children:[e.open?"▾":"▸"," #",t.id]})}),n("td",{children:n(W,{value:t.createdAt})}),n("td",{children:t.channel}),n("td",{class:"wrap",children:t.endpoint?t.endpoint.url:t.recipient??n("span",{class:"muted",children:"—"})}),n("td",{children:n("code",{children:t.eventType})}),n("td",{children:[n(re,{value:t.status}),t.status==="PENDING"&&t.nextAttemptAt?n("div",{class:"muted small",children:["next ",n(W,{value:t.nextAttemptAt})]}):null]}),n("td",{class:"num","data-testid":"attempt-count",children:t.attemptCount}),n("td",{class:"wrap small",children:t.lastError??(t.lastStatusCode!==null&&t.lastStatusCode>=300?n("code",{children:t.lastStatusCode}):n("span",{class:"muted",children:"—"}))}),n("td",{class:"actions",children:n("button",{type:"button",disabled:e.busy,onClick:e.onRedeliver,"aria-label":`Redeliver delivery #${t.id}`,children:"Redeliver"})})]}),e.open?n("tr",{class:"attempts",id:r,children:[n("td",{}),n("td",{colSpan:8,children:t.attempts.length===0?n("p",{class:"muted small",children:"No attempt yet."}):n("table",{"data-testid":"attempts","aria-label":`Attempts of delivery #${t.id}`,children:[n("thead",{children:n("tr",{children:[n("th",{children:"Attempt"}),n("th",{children:"Time"}),n("th",{class:"num",children:"Status code"}),n("th",{class:"num",children:"Latency"}),n("th",{children:"Error"})]})}),n("tbody",{children:t.attempts.map((i,s)=>n("tr",{"data-attempt-id":i.id,children:[n("td",{children:s+1}),n("td",{children:n(W,{value:i.attemptedAt})}),n("td",{class:"num",children:i.statusCode??n("span",{class:"muted",children:"—"})}),n("td",{class:"num",children:[i.latencyMs," ms"]}),n("td",{class:"wrap small",children:i.error??n("span",{class:"muted",children:"—"})})]}))})]})})]}):null]})}const Xn=P(`
  query DashboardPendingExports($filter: DocumentExportFilter, $first: Int, $after: String, $last: Int, $before: String) {
    documentExports(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        documentType
        documentId
        exported
        createdAt
        updatedAt
      }
    }
  }
`),Zn=P(`
  subscription DashboardExportsChanged {
    integrationHistoryRecordChanged {
      sequence
    }
  }
`);function er(e){const{params:t}=e.location,r=t.get("documentType"),i=rn(r)?r:null,s={exported:{eq:!1},...i?{documentType:{eq:i}}:{}},o=Te(Xn,{filter:s,...ye(t)},Zn,{}),a=u=>{u.preventDefault();const l=new FormData(u.currentTarget);Re(q("/exports",{documentType:String(l.get("documentType")??"")}))},c=o.data?.documentExports;return n("section",{class:"card",children:[n("h2",{children:["Documents not yet exported ",n("span",{class:"muted","data-testid":"exports-total",children:c?.totalCount??""})]}),n("form",{class:"filters",onSubmit:a,onChange:u=>u.currentTarget.requestSubmit(),children:n("label",{children:["Document type"," ",n("select",{name:"documentType",value:i??"",children:[n("option",{value:"",children:"any"}),_t.map(u=>n("option",{value:u,children:u}))]})]})}),n(ce,{error:o.error??o.subscriptionError}),c?n(z,{children:[n("table",{"data-testid":"exports",children:[n("thead",{children:n("tr",{children:[n("th",{children:"Document"}),n("th",{children:"Tracked since"}),n("th",{children:"Last change"})]})}),n("tbody",{children:c.nodes.map(u=>n("tr",{children:[n("td",{children:n(Je,{type:u.documentType,id:u.documentId,resolved:"any"})}),n("td",{children:n(W,{value:u.createdAt})}),n("td",{children:n(W,{value:u.updatedAt})})]}))})]}),c.nodes.length===0?n("p",{class:"muted",children:"Every tracked document has been exported."}):null,n(ve,{path:"/exports",params:t,pageInfo:c.pageInfo,totalCount:c.totalCount,shown:c.nodes.length})]}):o.error?null:n("p",{class:"muted",children:"Loading…"})]})}const tr=P(`
  query DashboardIntegration($code: String!) {
    integration(code: $code) {
      id
      code
      name
      businessObject
      direction
      endSystem
      expectedDurationSeconds
      contacts(includeInactive: true) {
        id
        name
        email
        contactType
        active
        createdAt
      }
    }
  }
`),nr=P(`
  mutation DashboardCreateContact($input: CreateIntegrationContactInput!) {
    createIntegrationContact(input: $input) {
      id
      name
    }
  }
`),rr=P(`
  mutation DashboardDeactivateContact($id: Int!) {
    deactivateIntegrationContact(id: $id) {
      id
      active
    }
  }
`),ir=P(`
  mutation DashboardReactivateContact($id: Int!) {
    updateIntegrationContact(id: $id, input: { active: true }) {
      id
      active
    }
  }
`);function or(e){const t=ze(tr,{code:e.code}),r=t.data?.integration;return n(z,{children:[n("section",{class:"card",children:[n("h2",{children:["Integration ",n("span",{"data-testid":"integration-code",children:e.code})]}),n(ce,{error:t.error}),t.data&&!r?n("p",{class:"muted",children:["There is no integration ",e.code,"."]}):null,r?n("dl",{class:"fields",children:[n("dt",{children:"Name"}),n("dd",{children:r.name}),n("dt",{children:"Moves"}),n("dd",{children:[r.businessObject," (",r.direction,") · ",r.endSystem]}),n("dt",{children:"Expected run duration"}),n("dd",{children:r.expectedDurationSeconds===null?n("span",{class:"muted",children:"none"}):`${r.expectedDurationSeconds} s`}),n("dt",{children:"Runs"}),n("dd",{children:n(B,{to:q("/runs",{integration:r.code}),children:["the runs of ",r.code]})})]}):!t.error&&!t.data?n("p",{class:"muted",children:"Loading…"}):null]}),r?n(ar,{integrationId:r.id,contacts:r.contacts,loading:t.loading,onChange:t.refetch}):null]})}function ar(e){const t=Ie(),[r,i]=H(!1),[s,o]=H(null),[a,c]=H(null),[u,l]=H(new Map),[_,w]=H(0),d=async g=>{i(!0),o(null),c(null);try{return c(await g()),e.onChange(),!0}catch(f){return f instanceof Jt&&f.fields.size>0?l(f.fields):o(f instanceof Error?f.message:String(f)),!1}finally{i(!1)}},m=async g=>{g.preventDefault();const f=new FormData(g.currentTarget);l(new Map),await d(async()=>`Contact ${(await t.request(nr,{input:{integration:{id:e.integrationId},name:String(f.get("name")??""),email:String(f.get("email")??""),contactType:Ke(cn,String(f.get("contactType")))??"TECHNICAL"}})).createIntegrationContact.name} added.`)&&w(y=>y+1)},$=(g,f)=>d(async()=>(f?await t.request(ir,{id:g.id}):await t.request(rr,{id:g.id}),`Contact ${g.name} ${f?"reactivated":"deactivated"}.`)),k=g=>{const f=u.get(g);return f?n("span",{class:"field-error",id:`contact-${g}-error`,role:"alert","data-testid":`contact-${g}-error`,children:f}):null},R=g=>u.has(g)?`contact-${g}-error`:void 0;return n("section",{class:"card",children:[n("h2",{children:"Contacts"}),n("p",{class:"muted small",children:"Alerts reach the active contacts of the alert's type (TECHNICAL or FUNCTIONAL; an alert for BOTH reaches all)."}),n(ce,{error:s}),a?n("p",{class:"notice","data-testid":"notice",role:"status",children:a}):null,n("table",{"data-testid":"contacts","aria-busy":e.loading?"true":"false",children:[n("thead",{children:n("tr",{children:[n("th",{children:"Name"}),n("th",{children:"Email"}),n("th",{children:"Type"}),n("th",{children:"Active"}),n("th",{children:"Added"}),n("th",{})]})}),n("tbody",{children:e.contacts.map(g=>n("tr",{"data-contact-id":g.id,class:g.active?"":"inactive",children:[n("td",{children:g.name}),n("td",{children:g.email}),n("td",{children:n(re,{value:g.contactType})}),n("td",{children:g.active?"yes":"no"}),n("td",{children:n(W,{value:g.createdAt})}),n("td",{class:"actions",children:n("button",{type:"button",disabled:r,onClick:()=>$(g,!g.active),"aria-label":`${g.active?"Deactivate":"Reactivate"} ${g.name}`,children:g.active?"Deactivate":"Reactivate"})})]}))})]}),e.contacts.length===0?n("p",{class:"muted",children:"No contacts: alerts reach nobody by email."}):null,n("h3",{children:"Add a contact"}),n("form",{class:"filters contact-form",onSubmit:m,"data-testid":"contact-form",noValidate:!0,children:[n("span",{class:"field",children:[n("label",{children:["Name"," ",n("input",{name:"name",maxLength:255,"aria-invalid":u.has("name")?"true":"false","aria-describedby":R("name"),"data-testid":"contact-name"})]})," ",k("name")]}),n("span",{class:"field",children:[n("label",{children:["Email"," ",n("input",{name:"email",type:"email",maxLength:255,"aria-invalid":u.has("email")?"true":"false","aria-describedby":R("email"),"data-testid":"contact-email"})]})," ",k("email")]}),n("span",{class:"field",children:[n("label",{children:["Type"," ",n("select",{name:"contactType","data-testid":"contact-type",children:cn.map(g=>n("option",{value:g,children:g}))})]})," ",k("contactType")]}),n("button",{type:"submit",disabled:r,children:"Add contact"})]},_)]})}const sr=P(`
  query DashboardRunCounts {
    integrations(first: 200) {
      nodes {
        id
        code
        name
      }
    }
    integrationRunCounts(groupBy: [INTEGRATION, STATUS]) {
      integrationId
      status
      count
    }
  }
`),cr=P(`
  subscription DashboardRunStatusChanged {
    integrationRunStatusChanged {
      sequence
      at
      action
      previousStatus
      status
      run {
        id
        integration {
          code
        }
      }
    }
  }
`),ln=P(`
  fragment DashboardAlert on IntegrationAlert {
    id
    contactAlertType
    integration {
      code
    }
    integrationRunId
    documentType
    documentId
    message
    createdAt
  }
`),dn=10,lr=P(`
    query DashboardAlerts($first: Int!) {
      integrationAlerts(orderBy: { direction: DESC }, first: $first) {
        totalCount
        nodes {
          ...DashboardAlert
        }
      }
    }
  `,[ln]),dr=P(`
    subscription DashboardAlertRaised {
      integrationAlertRaised {
        sequence
        alert {
          ...DashboardAlert
        }
      }
    }
  `,[ln]);function ur(){return n("div",{class:"overview",children:[n(hr,{}),n(fr,{})]})}function hr(){const[e,t]=H(null),r=Te(sr,{},cr,{},a=>t(a.integrationRunStatusChanged)),i=new Map;for(const a of r.data?.integrationRunCounts??[])i.set(`${a.integrationId}:${a.status}`,a.count);const s=r.data?.integrations.nodes??[],o=a=>s.reduce((c,u)=>c+(i.get(`${u.id}:${a}`)??0),0);return n("section",{class:"card",children:[n("h2",{children:"Runs by status"}),n(ce,{error:r.error??r.subscriptionError}),r.data?n("table",{class:"counts","data-testid":"run-counts",children:[n("thead",{children:n("tr",{children:[n("th",{children:"Integration"}),_e.map(a=>n("th",{class:"num",children:n(re,{value:a})})),n("th",{class:"num",children:"All"})]})}),n("tbody",{children:s.map(a=>{const c=_e.reduce((u,l)=>u+(i.get(`${a.id}:${l}`)??0),0);return n("tr",{children:[n("th",{children:[n(B,{to:q("/runs",{integration:a.code}),children:a.code}),n("div",{class:"muted small",children:n(B,{to:q(`/integrations/${encodeURIComponent(a.code)}`),testid:`integration-${a.code}`,children:a.name})})]}),_e.map(u=>{const l=i.get(`${a.id}:${u}`)??0;return n("td",{class:`num${l===0?" zero":""}`,children:n(B,{to:q("/runs",{integration:a.code,status:u}),testid:`count-${a.code}-${u}`,children:l})})}),n("td",{class:"num",children:c})]})})}),n("tfoot",{children:n("tr",{children:[n("th",{children:"All integrations"}),_e.map(a=>n("td",{class:"num","data-testid":`count-all-${a}`,children:o(a)})),n("td",{class:"num",children:_e.reduce((a,c)=>a+o(c),0)})]})})]}):n("p",{class:"muted",children:"Loading…"}),n("p",{class:"muted small live","data-testid":"last-status-change",children:[n("span",{class:"dot"})," Live."," ",e?n(z,{children:["Last change: run ",n(B,{to:q(`/runs/${e.run.id}`),children:["#",e.run.id]})," (",e.run.integration.code,")"," ",n(re,{value:e.previousStatus})," → ",n(re,{value:e.status})," at ",n(W,{value:e.at})]}):"Waiting for run status changes…"]})]})}function fr(){const[e,t]=H([]),r=ht(dr,{},l=>{t(_=>[l.integrationAlertRaised.alert,..._])}),i=ze(lr,{first:dn}),s=new Set(i.data?.integrationAlerts.nodes.map(l=>l.id)??[]),o=e.filter(l=>!s.has(l.id)),a=[...o,...i.data?.integrationAlerts.nodes??[]].sort((l,_)=>_.id-l.id).slice(0,dn),c=(i.data?.integrationAlerts.totalCount??0)+o.length,u=new Set(o.map(l=>l.id));return n("section",{class:"card",children:[n("h2",{children:["Alerts ",n("span",{class:"muted","data-testid":"alert-total",children:i.data?c:""})]}),n(ce,{error:i.error??r}),!i.data&&!i.error?n("p",{class:"muted",children:"Loading…"}):null,i.data&&a.length===0?n("p",{class:"muted",children:"No alerts."}):null,n("ol",{class:"feed","data-testid":"alert-feed",children:a.map(l=>n("li",{class:u.has(l.id)?"fresh":"","data-alert-id":l.id,children:[n("div",{class:"feed-head",children:[n("strong",{children:["#",l.id]})," ",n(re,{value:l.contactAlertType})," ",l.integration?.code??"—",l.integrationRunId?n(z,{children:[" ","· ",n(B,{to:q(`/runs/${l.integrationRunId}`),children:["run #",l.integrationRunId]})]}):null," ","· ",n(Je,{type:l.documentType,id:l.documentId}),n("span",{class:"muted small right",children:n(W,{value:l.createdAt})})]}),l.message?n("div",{class:"small",children:l.message}):null]}))})]})}const pr=P(`
  fragment DashboardResponse on IntegrationRecordResponse {
    id
    responseCode
    responseMessage
    createdAt
  }
`),_r=P(`
    query DashboardRun(
      $id: Int!
      $errorsFirst: Int
      $errorsAfter: String
      $errorsLast: Int
      $errorsBefore: String
      $recordsFirst: Int
      $recordsAfter: String
      $recordsLast: Int
      $recordsBefore: String
    ) {
      integrationRun(id: $id) {
        id
        status
        integration {
          code
          name
        }
        flow
        startTime
        endTime
        totalRecords
        recordsProcessed
        maxUpdatedAt
        createdAt
        updatedAt
        createdBy {
          name
        }
        integrationErrors(first: $errorsFirst, after: $errorsAfter, last: $errorsLast, before: $errorsBefore) {
          totalCount
          pageInfo {
            hasNextPage
            hasPreviousPage
            startCursor
            endCursor
          }
          nodes {
            id
            contactAlertType
            documentType
            documentId
            status
            resolved
            integrationFilename
            createdAt
            responses {
              ...DashboardResponse
            }
          }
        }
        historyRecords(first: $recordsFirst, after: $recordsAfter, last: $recordsLast, before: $recordsBefore) {
          totalCount
          pageInfo {
            hasNextPage
            hasPreviousPage
            startCursor
            endCursor
          }
          nodes {
            id
            contactAlertType
            documentType
            documentId
            externalId
            status
            resolved
            createdAt
            responses {
              ...DashboardResponse
            }
          }
        }
      }
    }
  `,[pr]),mr=P(`
  subscription DashboardRunChanged($runId: Int!) {
    integrationRunStatusChanged(runId: $runId) {
      sequence
    }
  }
`),gr=P(`
  subscription DashboardRunErrorChanged($runId: Int!) {
    integrationErrorChanged(runId: $runId) {
      sequence
    }
  }
`);function yr(e){const{params:t}=e.location,r=ye(t,"errors_"),i=ye(t,"records_"),s=Ce(()=>{}),o=ht(gr,{runId:e.id},()=>s.current()),a=Te(_r,{id:e.id,errorsFirst:r.first,errorsAfter:r.after,errorsLast:r.last,errorsBefore:r.before,recordsFirst:i.first,recordsAfter:i.after,recordsLast:i.last,recordsBefore:i.before},mr,{runId:e.id});s.current=a.refetch;const c=a.data?.integrationRun,u=`/runs/${e.id}`;return a.data&&!c?n("section",{class:"card",children:[n("h2",{children:["Run #",e.id]}),n("p",{class:"muted",children:"There is no such run."})]}):n(z,{children:[n("section",{class:"card",children:[n("h2",{children:[n(B,{to:q("/runs"),children:"Runs"})," › Run #",e.id," ",c?n(re,{value:c.status}):null]}),n(ce,{error:a.error??a.subscriptionError??o}),c?n("dl",{class:"fields","data-testid":"run-fields",children:[n("dt",{children:"Integration"}),n("dd",{children:[n(B,{to:q("/runs",{integration:c.integration.code}),children:c.integration.code})," ",n(B,{to:q(`/integrations/${encodeURIComponent(c.integration.code)}`),class:"muted",children:c.integration.name})]}),n("dt",{children:"Status"}),n("dd",{"data-testid":"run-status",children:c.status}),n("dt",{children:"Records"}),n("dd",{children:[c.recordsProcessed??"—"," processed of ",c.totalRecords??"—"]}),n("dt",{children:"Started"}),n("dd",{children:n(W,{value:c.startTime})}),n("dt",{children:"Ended"}),n("dd",{children:n(W,{value:c.endTime})}),n("dt",{children:"High-water mark"}),n("dd",{children:n(W,{value:c.maxUpdatedAt})}),n("dt",{children:"Created"}),n("dd",{children:[n(W,{value:c.createdAt})," ",c.createdBy?n("span",{class:"muted",children:["by ",c.createdBy.name]}):null]}),n("dt",{children:"Flow"}),n("dd",{children:n("code",{children:c.flow===null||c.flow===void 0?"—":JSON.stringify(c.flow)})})]}):a.error?null:n("p",{class:"muted",children:"Loading…"})]}),c?n(z,{children:[n("section",{class:"card",children:[n("h2",{children:"Errors"}),n("table",{"data-testid":"run-errors",children:[n("thead",{children:n("tr",{children:[n("th",{children:"Error"}),n("th",{children:"Document"}),n("th",{children:"Status"}),n("th",{children:"Resolved"}),n("th",{children:"File"}),n("th",{children:"Created"}),n("th",{children:"Responses"})]})}),n("tbody",{children:c.integrationErrors.nodes.map(l=>n("tr",{children:[n("td",{children:["#",l.id]}),n("td",{children:n(Je,{type:l.documentType,id:l.documentId})}),n("td",{children:n(re,{value:l.status})}),n("td",{children:l.resolved?"yes":n("strong",{class:"alert",children:"no"})}),n("td",{children:l.integrationFilename??"—"}),n("td",{children:n(W,{value:l.createdAt})}),n("td",{children:n(mt,{responses:l.responses})})]}))})]}),c.integrationErrors.nodes.length===0?n("p",{class:"muted",children:"No errors."}):null,n(ve,{path:u,params:t,prefix:"errors_",pageInfo:c.integrationErrors.pageInfo,totalCount:c.integrationErrors.totalCount,shown:c.integrationErrors.nodes.length})]}),n("section",{class:"card",children:[n("h2",{children:"History records"}),n("table",{"data-testid":"run-records",children:[n("thead",{children:n("tr",{children:[n("th",{children:"Record"}),n("th",{children:"Document"}),n("th",{children:"External id"}),n("th",{children:"Status"}),n("th",{children:"Resolved"}),n("th",{children:"Created"}),n("th",{children:"Responses"})]})}),n("tbody",{children:c.historyRecords.nodes.map(l=>n("tr",{children:[n("td",{children:["#",l.id]}),n("td",{children:n(Je,{type:l.documentType,id:l.documentId})}),n("td",{children:l.externalId??"—"}),n("td",{children:n(re,{value:l.status})}),n("td",{children:l.resolved?"yes":n("strong",{class:"alert",children:"no"})}),n("td",{children:n(W,{value:l.createdAt})}),n("td",{children:n(mt,{responses:l.responses})})]}))})]}),c.historyRecords.nodes.length===0?n("p",{class:"muted",children:"No history records."}):null,n(ve,{path:u,params:t,prefix:"records_",pageInfo:c.historyRecords.pageInfo,totalCount:c.historyRecords.totalCount,shown:c.historyRecords.nodes.length})]})]}):null]})}function mt(e){return e.responses.length===0?n("span",{class:"muted",children:"—"}):n("ul",{class:"responses",children:e.responses.map(t=>n("li",{children:[n("code",{children:t.responseCode??"—"})," ",t.responseMessage??""]}))})}const vr=P(`
  query DashboardRecords(
    $filter: IntegrationHistoryRecordFilter
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    integrationHistoryRecords(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        contactAlertType
        documentType
        documentId
        externalId
        status
        resolved
        integration {
          id
          code
        }
        integrationRunId
        createdAt
        updatedAt
        responses {
          id
          responseCode
          responseMessage
          createdAt
        }
      }
    }
  }
`),br=P(`
  subscription DashboardRecordChanged($documentType: DocumentType, $documentId: Int) {
    integrationHistoryRecordChanged(documentType: $documentType, documentId: $documentId) {
      sequence
      change
    }
  }
`),wr=P(`
  mutation DashboardResolveRecord($id: Int!) {
    resolveIntegrationHistoryRecord(id: $id) {
      id
      resolved
    }
  }
`),Sr=P(`
  mutation DashboardAcknowledgeDocument($input: NewHistoryRecordInput!) {
    acknowledgeIntegrationHistoryRecord(input: $input) {
      id
      resolved
    }
  }
`);function Er(e){return e==="true"?!0:e==="any"?null:!1}function Ar(e){const t=Ie(),{params:r}=e.location,i=r.get("documentType"),s=r.get("documentId")??"",o=/^-?\d+$/.test(s)?Number(s):null,a=Er(r.get("resolved")),c=rn(i)?i:null,u={...c?{documentType:{eq:c}}:{},...o!==null?{documentId:{eq:o}}:{},...a!==null?{resolved:{eq:a}}:{}},l=Te(vr,{filter:u,...ye(r)},br,{documentType:c,documentId:o}),[_,w]=H(null),[d,m]=H(null),[$,k]=H(null),R=async(y,O)=>{w(y.id),m(null);try{if(O==="resolve")await t.request(wr,{id:y.id}),k(`Record #${y.id} resolved.`);else{const F=await t.request(Sr,{input:{contactAlertType:y.contactAlertType,documentType:y.documentType,documentId:y.documentId,integration:y.integration?{id:y.integration.id}:null,integrationRunId:y.integrationRunId,status:"Success",responses:[]}});k(`${y.documentType} ${y.documentId} acknowledged (record #${F.acknowledgeIntegrationHistoryRecord.id}).`)}l.refetch()}catch(F){m(F instanceof Error?F.message:String(F))}finally{w(null)}},g=y=>{y.preventDefault();const O=new FormData(y.currentTarget);k(null),Re(q("/records",{documentType:String(O.get("documentType")??""),documentId:String(O.get("documentId")??"").trim(),resolved:String(O.get("resolved")??"false")}))},f=l.data?.integrationHistoryRecords,A=a===null?"any":String(a);return n("section",{class:"card",children:[n("h2",{children:["History records ",c&&o!==null?`of ${c} ${o}`:""]}),n("form",{class:"filters",onSubmit:g,"data-testid":"records-filter",children:[n("label",{children:["Document type"," ",n("select",{name:"documentType","data-testid":"filter-document-type",children:[n("option",{value:"",selected:!c,children:"any"}),_t.map(y=>n("option",{value:y,selected:y===c,children:y}))]})]}),n("label",{children:["Document id"," ",n("input",{name:"documentId",type:"number",defaultValue:s,size:8,"data-testid":"filter-document-id"})]}),n("label",{children:["Show"," ",n("select",{name:"resolved","data-testid":"filter-resolved",children:[n("option",{value:"false",selected:A==="false",children:"open"}),n("option",{value:"true",selected:A==="true",children:"resolved"}),n("option",{value:"any",selected:A==="any",children:"all"})]})]}),n("button",{type:"submit",children:"Show"})]},r.toString()),n(ce,{error:l.error??l.subscriptionError??d}),$?n("p",{class:"notice","data-testid":"notice",children:$}):null,f?n(z,{children:[n("table",{"data-testid":"records",children:[n("thead",{children:n("tr",{children:[n("th",{children:"Record"}),n("th",{children:"Document"}),n("th",{children:"Integration"}),n("th",{children:"Run"}),n("th",{children:"Status"}),n("th",{children:"Alerted"}),n("th",{children:"Resolved"}),n("th",{children:"Created"}),n("th",{children:"Responses"}),n("th",{})]})}),n("tbody",{children:f.nodes.map(y=>n("tr",{"data-record-id":y.id,children:[n("td",{children:["#",y.id]}),n("td",{children:[y.documentType," ",y.documentId,y.externalId?n("div",{class:"muted small",children:y.externalId}):null]}),n("td",{children:y.integration?.code??"—"}),n("td",{children:y.integrationRunId?n(B,{to:q(`/runs/${y.integrationRunId}`),children:["#",y.integrationRunId]}):"—"}),n("td",{children:n(re,{value:y.status})}),n("td",{children:y.contactAlertType}),n("td",{children:y.resolved?"yes":n("strong",{class:"alert",children:"no"})}),n("td",{children:n(W,{value:y.createdAt})}),n("td",{children:n(mt,{responses:y.responses})}),n("td",{class:"actions",children:y.resolved?null:n(z,{children:[n("button",{type:"button",disabled:_!==null,onClick:()=>R(y,"resolve"),children:"Resolve"})," ",n("button",{type:"button",disabled:_!==null,onClick:()=>R(y,"acknowledge"),title:"The external system confirms it has the document: resolves every open record of it",children:"Acknowledge"})]})})]}))})]}),f.nodes.length===0?n("p",{class:"muted","data-testid":"no-records",children:["No ",a===!1?"open ":"","records match."]}):null,n(ve,{path:"/records",params:r,pageInfo:f.pageInfo,totalCount:f.totalCount,shown:f.nodes.length})]}):l.error?null:n("p",{class:"muted",children:"Loading…"})]})}const Cr=P(`
  query DashboardRuns($filter: IntegrationRunFilter, $first: Int, $after: String, $last: Int, $before: String) {
    integrations(first: 200) {
      nodes {
        code
      }
    }
    integrationRuns(
      filter: $filter
      orderBy: { field: ID, direction: DESC }
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        status
        integration {
          code
        }
        startTime
        endTime
        totalRecords
        recordsProcessed
        openErrors: integrationErrors(filter: { resolved: { eq: false } }) {
          totalCount
        }
      }
    }
  }
`),$r=P(`
  subscription DashboardRunsChanged {
    integrationRunStatusChanged {
      sequence
    }
  }
`);function Ir(e){const{params:t}=e.location,r=t.get("integration")??"",i=t.get("status"),s={...r?{integration:{code:{eq:r}}}:{},...nn(i)?{status:{eq:i}}:{}},o=Te(Cr,{filter:s,...ye(t)},$r,{}),a=u=>{u.preventDefault();const l=new FormData(u.currentTarget);Re(q("/runs",{integration:String(l.get("integration")??""),status:String(l.get("status")??"")}))},c=o.data?.integrationRuns;return n("section",{class:"card",children:[n("h2",{children:"Runs"}),n("form",{class:"filters",onSubmit:a,onChange:u=>u.currentTarget.requestSubmit(),children:[n("label",{children:["Integration"," ",n("select",{name:"integration",value:r,"data-testid":"filter-integration",children:[n("option",{value:"",children:"all"}),o.data?.integrations.nodes.map(u=>n("option",{value:u.code,children:u.code}))]})]}),n("label",{children:["Status"," ",n("select",{name:"status",value:nn(i)?i:"","data-testid":"filter-status",children:[n("option",{value:"",children:"all"}),_e.map(u=>n("option",{value:u,children:u}))]})]})]}),n(ce,{error:o.error??o.subscriptionError}),c?n(z,{children:[n("table",{"data-testid":"runs","aria-busy":o.loading?"true":"false",children:[n("thead",{children:n("tr",{children:[n("th",{children:"Run"}),n("th",{children:"Integration"}),n("th",{children:"Status"}),n("th",{children:"Started"}),n("th",{children:"Ended"}),n("th",{class:"num",children:"Processed"}),n("th",{class:"num",children:"Open errors"})]})}),n("tbody",{children:c.nodes.map(u=>n("tr",{"data-run-id":u.id,children:[n("td",{children:n(B,{to:q(`/runs/${u.id}`),children:["#",u.id]})}),n("td",{children:u.integration.code}),n("td",{children:n(re,{value:u.status})}),n("td",{children:n(W,{value:u.startTime})}),n("td",{children:n(W,{value:u.endTime})}),n("td",{class:"num",children:[u.recordsProcessed??"—"," / ",u.totalRecords??"—"]}),n("td",{class:`num${u.openErrors.totalCount?" alert":" zero"}`,children:u.openErrors.totalCount})]}))})]}),c.nodes.length===0?n("p",{class:"muted",children:"No runs match."}):null,n(ve,{path:"/runs",params:t,pageInfo:c.pageInfo,totalCount:c.totalCount,shown:c.nodes.length})]}):o.error?null:n("p",{class:"muted",children:"Loading…"})]})}const Xe=document.getElementById("dashboard"),Tr=Xe?.dataset.endpoint??"/graphql",Rr=`${window.location.protocol==="https:"?"wss:":"ws:"}//${window.location.host}${Tr}`;function kr(){const[e,t]=H(null),[r,i]=H(null),s=Ut(()=>Gn(Rr,e,a=>i({refused:e!==null,reason:a})),[e]);Ae(()=>()=>s.dispose(),[s]);const o=jn();return n(z,{children:[n("header",{class:"top",children:[n("h1",{children:[n(B,{to:q("/"),children:"integration-gateway"})," ",n("span",{class:"muted",children:"operations"})]}),n("nav",{children:[n(ke,{location:o,path:"/",label:"Overview"}),n(ke,{location:o,path:"/runs",label:"Runs"}),n(ke,{location:o,path:"/records",label:"Open records"}),n(ke,{location:o,path:"/exports",label:"Not exported"}),n(ke,{location:o,path:"/deliveries",label:"Deliveries"})]})]}),n("main",{children:r?n(xr,{need:r,onToken:a=>{i(null),t(a)}}):n(Kt.Provider,{value:s,children:n(Nr,{location:o})})})]})}function ke(e){const t=e.path==="/"?e.location.path==="/":e.location.path.startsWith(e.path);return n(B,{to:q(e.path),class:t?"active":"",children:e.label})}function Nr(e){const{path:t}=e.location;if(t==="/")return n(ur,{});if(t==="/runs"||t==="/runs/")return n(Ir,{location:e.location});const r=/^\/runs\/(\d+)\/?$/.exec(t);if(r)return n(yr,{id:Number(r[1]),location:e.location});if(t==="/records"||t==="/records/")return n(Ar,{location:e.location});if(t==="/exports"||t==="/exports/")return n(er,{location:e.location});if(t==="/deliveries"||t==="/deliveries/")return n(Jn,{location:e.location});const i=/^\/integrations\/([^/]+)\/?$/.exec(t);return i?n(or,{code:decodeURIComponent(i[1])}):n("section",{class:"card",children:[n("h2",{children:"Not found"}),n("p",{children:["There is no page at ",n("code",{children:Ye+t}),". ",n(B,{to:q("/"),children:"Go to the overview."})]})]})}function xr(e){const t=r=>{r.preventDefault();const i=String(new FormData(r.currentTarget).get("token")??"").trim();i&&e.onToken(i.replace(/^Bearer\s+/i,""))};return n("section",{class:"card token",children:[n("h2",{children:e.need.refused?"The token was refused":"This gateway requires a token"}),n("p",{children:[e.need.refused?`The gateway refused it${e.need.reason?`: ${e.need.reason}`:""}. Enter another one.`:"Enter a bearer token with the core.integration.read scope (core.integration.write to resolve records and edit contacts, core.integration.admin for the deliveries)."," ","It is kept in this page's memory only and forgotten on reload."]}),n("p",{class:"muted small",children:["Create one with ",n("code",{children:"integration-gateway token create --name dashboard --scope core.integration.read"}),"."]}),n("form",{onSubmit:t,"data-testid":"token-form",children:[n("input",{name:"token",type:"password",autoComplete:"off",placeholder:"token","aria-label":"Bearer token",autoFocus:!0,"data-testid":"token-input"})," ",n("button",{type:"submit",children:"Connect"})]})]})}Xe&&(Xe.textContent="",wn(n(kr,{}),Xe))})();
